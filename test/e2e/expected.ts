// The events the seed rule must match in the CloudTrail samples, read from the EXPECTED list that
// sits with them (samples/cloudtrail/EXPECTED*), so the end-to-end tests never hard-code results.
// Each entry becomes the text parts that must appear together in one row of the panel.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SAMPLES_DIR = 'samples/cloudtrail';

function idOf(entry: unknown): string | undefined {
  if (typeof entry === 'string' || typeof entry === 'number') return String(entry);
  if (entry && typeof entry === 'object') {
    const o = entry as Record<string, unknown>;
    for (const k of ['eventID', 'event.id', 'eventId', 'id']) if (typeof o[k] === 'string') return o[k] as string;
    if (o.event && typeof o.event === 'object') return idOf(o.event);
  }
  return undefined;
}

function entries(json: unknown): unknown[] {
  if (Array.isArray(json)) return json;
  if (json && typeof json === 'object') {
    const o = json as Record<string, unknown>;
    for (const k of ['matches', 'expected', 'match', 'eventIDs', 'events']) if (Array.isArray(o[k])) return o[k] as unknown[];
    const arrays = Object.values(o).filter(Array.isArray);
    if (arrays.length === 1) return arrays[0] as unknown[];
  }
  throw new Error('EXPECTED: no list of matches found');
}

export function expectedMatches(workspace: string): string[][] {
  const dir = join(workspace, SAMPLES_DIR);
  const file = existsSync(dir) ? readdirSync(dir).find((f) => /^expected/i.test(f)) : undefined;
  if (!file) throw new Error(`no EXPECTED list in ${dir}`);
  const text = readFileSync(join(dir, file), 'utf8');
  const ids = /\.json$/i.test(file)
    ? entries(JSON.parse(text)).map(idOf)
    : text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => l.split(/[\s,|]+/)[0]);
  if (ids.some((id) => id === undefined)) throw new Error(`EXPECTED: an entry without an event id in ${file}`);
  return ids.map((id) => [id as string]);
}
