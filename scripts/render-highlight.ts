// Renders files with our TextMate grammars to HTML in a Dark+-like palette, and optionally shoots a PNG with headless
// Chromium, for the README's highlighting picture.
//   npx tsx scripts/render-highlight.ts [--png docs/images/highlighting.png] [--chromium /usr/bin/chromium]
// Markdown inside a rule's guide uses the test stand-in Markdown grammar (VS Code's own is richer).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fixtureDir, loadGrammar, repoRoot, tokenize, type TokenizedLine } from '../test/grammar/textmate';

/** Scope selector -> colour (and style), Dark+-like. The longest selector matching the innermost scope wins. */
const palette: Record<string, string> = {
  comment: '#6A9955',
  string: '#CE9178',
  'constant.character.escape': '#D7BA7D',
  'constant.numeric': '#B5CEA8',
  'keyword.other.unit': '#B5CEA8',
  'constant.language': '#569CD6',
  keyword: '#569CD6',
  'keyword.control': '#C586C0',
  'keyword.operator': '#D4D4D4',
  'keyword.operator.expression': '#569CD6',
  'entity.name.function': '#DCDCAA',
  'support.function': '#DCDCAA',
  'entity.name.type': '#4EC9B0',
  variable: '#9CDCFE',
  'support.type.property-name': '#9CDCFE',
  'markup.heading': '#569CD6; font-weight: bold',
  'markup.bold': 'inherit; font-weight: bold',
  'markup.inline.raw': '#CE9178',
  invalid: '#F44747; text-decoration: underline wavy #F44747',
};

function matches(selector: string, scope: string): boolean {
  return scope === selector || scope.startsWith(selector + '.');
}

function styleOf(scopes: string[]): string | undefined {
  // A token's name may hold several scopes ("string.quoted.single.eql invalid.illegal..."): split them out.
  const flat = scopes.flatMap((s) => s.split(' '));
  for (let i = flat.length - 1; i >= 0; i--) {
    const best = Object.keys(palette)
      .filter((sel) => matches(sel, flat[i]))
      .sort((a, b) => b.length - a.length)[0];
    if (best) return palette[best];
  }
  return undefined;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Fold {
  from: number;
  to: number;
}

function renderLines(lines: TokenizedLine[], folds: Fold[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (i === lines.length - 1 && lines[i].text === '') break;
    const fold = folds.find((f) => f.from === i);
    const html = lines[i].tokens
      .map((t) => {
        const style = styleOf(t.scopes);
        const text = escapeHtml(t.text);
        return style ? `<span style="color: ${style}">${text}</span>` : text;
      })
      .join('');
    out.push(`<div class="line"><span class="ln">${i + 1}</span>${html}</div>`);
    if (fold) {
      out.push(`<div class="line"><span class="ln"></span><span class="fold">⋯ ${fold.to - fold.from} lines folded</span></div>`);
      i = fold.to;
    }
  }
  return out.join('\n');
}

interface Pane {
  file: string;
  language: string;
  html: string;
  lines: number;
}

async function pane(path: string, scope: string, language: string, folds: (lines: TokenizedLine[]) => Fold[] = () => []): Promise<Pane> {
  const lines = tokenize(await loadGrammar(scope), readFileSync(path, 'utf8'));
  const f = folds(lines);
  const shown = lines.length - f.reduce((n, x) => n + (x.to - x.from) - 1, 0);
  return { file: basename(path), language, html: renderLines(lines, f), lines: shown };
}

/** Fold the body of the investigation guide (keep its first lines) so the query fits in the picture. */
function foldNote(lines: TokenizedLine[]): Fold[] {
  const open = lines.findIndex((l) => /^note\s*=\s*"""/.test(l.text));
  const close = lines.findIndex((l, i) => i > open && l.text.startsWith('"""'));
  return open >= 0 && close > open + 8 ? [{ from: open + 6, to: close - 1 }] : [];
}

function page(columns: Pane[][]): string {
  const col = (panes: Pane[]) =>
    `<div class="col">${panes
      .map((p) => `<div class="pane"><div class="tab">${escapeHtml(p.file)}<span class="lang">${escapeHtml(p.language)}</span></div><div class="code">${p.html}</div></div>`)
      .join('')}</div>`;
  return `<!doctype html><html><head><meta charset="utf-8"><style>
body { margin: 0; background: #181818; font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 13px; }
.wrap { display: flex; gap: 12px; padding: 12px; align-items: flex-start; }
.col { display: flex; flex-direction: column; gap: 12px; width: 880px; }
.pane { background: #1E1E1E; border: 1px solid #2B2B2B; border-radius: 6px; overflow: hidden; }
.tab { background: #252526; color: #CCCCCC; padding: 6px 12px; font-family: sans-serif; font-size: 12px; border-bottom: 1px solid #2B2B2B; }
.lang { color: #8B8B8B; margin-left: 12px; }
.code { padding: 6px 0; color: #D4D4D4; }
.line { white-space: pre; line-height: 18px; height: 18px; overflow: hidden; padding-right: 14px; }
.ln { display: inline-block; width: 34px; padding-right: 14px; text-align: right; color: #6E7681; }
.fold { color: #8B8B8B; background: #2D2D30; border-radius: 3px; padding: 0 6px; }
</style></head><body><div class="wrap">${columns.map(col).join('')}</div></body></html>`;
}

(async () => {
  const args = process.argv.slice(2);
  const png = args.includes('--png') ? resolve(args[args.indexOf('--png') + 1]) : undefined;
  const chromium = args.includes('--chromium') ? args[args.indexOf('--chromium') + 1] : '/usr/bin/chromium';
  const seedRule = join(repoRoot, 'test-fixtures', 'rules', 'aws_rds_db_instance_restored.toml');
  const rule = existsSync(seedRule) ? seedRule : join(fixtureDir, 'rds_restored_rule.toml');
  const left = [await pane(rule, 'source.eql-rule-toml', 'EQL Detection Rule (TOML)', foldNote)];
  const right = [
    await pane(join(fixtureDir, 'showcase.eql'), 'source.eql', 'EQL'),
    await pane(join(fixtureDir, 'guide.md'), 'text.html.markdown', 'Markdown'),
  ];
  const html = page([left, right]);
  const htmlPath = join(tmpdir(), 'eql-highlighting.html');
  writeFileSync(htmlPath, html);
  console.log(`wrote ${htmlPath}`);
  if (!png) return;
  // Pane heights: 18px a line plus chrome; the taller column decides.
  const height = (panes: Pane[]) => panes.reduce((h, p) => h + p.lines * 18 + 12 + 28 + 12, 12);
  const windowHeight = Math.max(height(left), height(right)) + 12;
  const r = spawnSync(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--hide-scrollbars',
      `--screenshot=${png}`,
      `--window-size=1796,${windowHeight}`,
      `file://${htmlPath}`,
    ],
    { stdio: 'inherit', timeout: 60_000 },
  );
  if (r.status !== 0) throw new Error(`chromium exited with ${r.status ?? r.signal}`);
  console.log(`wrote ${png}`);
})();
