// The events the seed rule must match in the bundled CloudTrail samples, read from the samples'
// own expectation file (samples/cloudtrail-expected.json), so the tests never hard-code results.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const EXPECTED_FILE = 'samples/cloudtrail-expected.json';

interface ExpectedFile {
  rule: string;
  events: number;
  matches: { eventID: string; eventName: string; file: string }[];
  mustNotMatch: { eventID: string; eventName: string }[];
}

export function readExpected(workspace: string): ExpectedFile {
  return JSON.parse(readFileSync(join(workspace, EXPECTED_FILE), 'utf8')) as ExpectedFile;
}

/** Per expected match, the texts that must appear together in one row of the panel. */
export function expectedMatches(workspace: string): string[][] {
  return readExpected(workspace).matches.map((m) => [m.eventID, m.eventName]);
}
