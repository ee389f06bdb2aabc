// The one folder walker: lists files under folders (recursively, in name order, skipping build
// output and VCS folders), asynchronously so the language server stays responsive while a large
// workspace is walked. Symbolic links to files and folders are followed, with loop detection;
// what cannot be read (EACCES, a dangling link, a loop) is reported to `onSkip`, never dropped
// in silence.
import { promises as fsp, type Stats } from 'node:fs';
import { join } from 'node:path';

/** Folders never searched: dependencies, build output, VCS and editor-test data. */
export const SKIP_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', '.vscode-test', '.e2e']);

export interface WalkOptions {
  /** Stop after this many files (default 100,000). */
  limit?: number;
  /** Only files for which this is true (by base name and path) are listed. */
  accept?(name: string, path: string): boolean;
  /** A folder or link that could not be read, and why. */
  onSkip?(path: string, reason: string): void;
  /** Also skip folders whose name starts with a dot (default true). */
  skipDotFolders?: boolean;
  signal?: AbortSignal;
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function reasonOf(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'not found';
  if (code === 'ELOOP') return 'symbolic link loop';
  return (e as Error).message ?? String(e);
}

/**
 * Every file under `root` (or `root` itself when it is not a folder), in name order (depth-first,
 * folders in place), at most `limit`. Yields to the event loop between folders.
 */
export async function walkFiles(root: string, options: WalkOptions = {}): Promise<string[]> {
  const limit = options.limit ?? 100_000;
  const skipDot = options.skipDotFolders ?? true;
  const out: string[] = [];
  let st: Stats;
  try {
    st = await fsp.stat(root);
  } catch (e) {
    options.onSkip?.(root, reasonOf(e));
    return out;
  }
  if (!st.isDirectory()) return [root];
  // Folders being walked (by device and inode): a link back into one of them is a loop.
  const visiting = new Set<string>();
  const walk = async (dir: string, id: string): Promise<void> => {
    if (out.length >= limit || options.signal?.aborted) return;
    visiting.add(id);
    let names: string[];
    try {
      names = (await fsp.readdir(dir)).sort(byName);
    } catch (e) {
      options.onSkip?.(dir, `cannot read folder: ${reasonOf(e)}`);
      visiting.delete(id);
      return;
    }
    for (const name of names) {
      if (out.length >= limit) break;
      const path = join(dir, name);
      let s: Stats;
      try {
        s = await fsp.stat(path); // follows links
      } catch (e) {
        options.onSkip?.(path, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'broken symbolic link' : reasonOf(e));
        continue;
      }
      if (s.isDirectory()) {
        if (SKIP_DIRS.has(name) || (skipDot && name.startsWith('.'))) continue;
        const sub = `${s.dev}:${s.ino}`;
        if (visiting.has(sub)) {
          options.onSkip?.(path, 'symbolic link loop: it leads back to a folder being searched');
          continue;
        }
        await walk(path, sub);
      } else if (s.isFile() && (!options.accept || options.accept(name, path))) out.push(path);
    }
    visiting.delete(id);
  };
  await walk(root, `${st.dev}:${st.ino}`);
  return out;
}
