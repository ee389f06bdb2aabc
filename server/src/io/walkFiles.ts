// Lists files under folders (recursively, skipping build output and VCS folders) and
// matches workspace-relative globs, for `eql-rules check <folder>` and the server's
// sample-file discovery. No dependency: Node 20 has no fs.glob.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', '.vscode-test', '.e2e']);

/** Every file under `root` (or `root` itself when it is a file), sorted, at most `limit`. */
export function walkFiles(root: string, limit = 100_000): string[] {
  const out: string[] = [];
  let st;
  try {
    st = statSync(root);
  } catch {
    return out;
  }
  if (!st.isDirectory()) return [root];
  const stack = [root];
  while (stack.length > 0 && out.length < limit) {
    const dir = stack.pop() as string;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      continue;
    }
    const subdirs: string[] = [];
    for (const name of names) {
      const path = join(dir, name);
      let s;
      try {
        s = statSync(path);
      } catch {
        continue;
      }
      if (s.isDirectory()) {
        if (!SKIP_DIRS.has(name) && !name.startsWith('.')) subdirs.push(path);
      } else if (s.isFile()) {
        out.push(path);
        if (out.length >= limit) break;
      }
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
  }
  return out.sort();
}

/** A glob (`**`, `*`, `?`, `{a,b}`) as an anchored RegExp over '/'-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let inBraces = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      inBraces = true;
      re += '(?:';
    } else if (c === '}' && inBraces) {
      inBraces = false;
      re += ')';
    } else if (c === ',' && inBraces) re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Files under `root` whose root-relative path matches one of the globs. */
export function globFiles(root: string, globs: readonly string[], limit = 100_000): string[] {
  const res = globs.map((g) => globToRegExp(g.replace(/^\.\//, '')));
  return walkFiles(root, limit).filter((f) => {
    const rel = relative(root, f).split(sep).join('/');
    return res.some((r) => r.test(rel));
  });
}
