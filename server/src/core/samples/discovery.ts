// Which workspace files count as sample events when the user has not chosen any. One
// heuristic for the run command (client) and the code lens's file count (server), so the
// lens and the run always agree.

/** Extensions of event files (a folder of samples is searched for these). */
export const SAMPLE_EXTENSIONS: readonly string[] = ['.json', '.ndjson', '.jsonl', '.log', '.gz'];
/** Event file names, as a glob segment. */
export const EVENT_FILES = `*.{${SAMPLE_EXTENSIONS.map((e) => e.slice(1)).join(',')}}`;
/** Folders whose event files are preferred. */
export const SAMPLE_FOLDERS = '{samples,sample,events,fixtures,test-fixtures}';
/** Event files inside sample-like folders, then any event file. */
export const SAMPLE_FOLDER_GLOB = `**/${SAMPLE_FOLDERS}/**/${EVENT_FILES}`;
export const ANY_EVENT_FILE_GLOB = `**/${EVENT_FILES}`;

/** Whether a file's first bytes are gzip's magic number: a gzipped sample is known by its bytes, not its name. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** False for files that sit among samples but are not events: manifests, expected results, rules and their tests. */
export function isLikelySampleFile(relativePath: string): boolean {
  const p = relativePath.replace(/\\/g, '/').toLowerCase();
  const base = p.split('/').pop() ?? p;
  if (/^(package(-lock)?|tsconfig.*|jsconfig|settings|launch|tasks|extensions|composer|manifest)\.json$/.test(base)) return false;
  if (/(^|[._-])expected([._-]|$)/.test(base) || /\/expected\//.test(`/${p}`)) return false;
  if (/\.test\.ndjson$/.test(base)) return false;
  if (/(^|\/)rules?\//.test(p) || /\.rule\.json$/.test(base) || /(^|[._-])rules?([._-]|\.)/.test(base)) return false;
  return true;
}
