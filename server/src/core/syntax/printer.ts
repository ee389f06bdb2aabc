// One canonical layout for EQL queries. The printer re-emits the query's own tokens (so string
// escapes, raw strings and name spellings survive untouched) and decides only the whitespace
// between them from the syntax tree: steps on their own lines, long boolean chains broken
// before `and`/`or`, long value lists wrapped. Comments are re-emitted in token order; the
// result is re-lexed and compared with the input, and if anything but whitespace differs the
// printer gives up (undefined) rather than lose or move text.
import type { Expr, Range } from './ast';
import { lex, type Token } from './lexer';
import { parse } from './parser';
import { firstAtOrAfter, tokenStart } from './sorted';
import { walk } from './visit';

export interface FormatOptions {
  /** Preferred maximum line length (default 100). */
  width?: number;
}

type Sep = { kind: 'space' } | { kind: 'none' } | { kind: 'break'; indent: number };

const SPACE: Sep = { kind: 'space' };
const NONE: Sep = { kind: 'none' };

/** Formats `text`; undefined when it has syntax errors or its comments cannot be placed safely. Never throws. */
export function formatQuery(text: string, options?: FormatOptions): string | undefined {
  try {
    return format(text, options?.width ?? 100);
  } catch {
    return undefined;
  }
}

function format(text: string, width: number): string | undefined {
  const parsed = parse(text);
  if (parsed.errors.length > 0 || !parsed.statement.query) return undefined;
  const toks = parsed.tokens;
  if (toks.length === 0) return undefined;
  const comments = parsed.comments;

  // Comments between token i-1 and token i (index 0: before the first token; toks.length: after the last).
  const commentsBefore = new Map<number, Range[]>();
  {
    let ti = 0;
    for (const c of comments) {
      while (ti < toks.length && toks[ti].range.start < c.start) ti++;
      const list = commentsBefore.get(ti);
      if (list) list.push(c);
      else commentsBefore.set(ti, [c]);
    }
  }
  const isLineComment = (c: Range): boolean => text.startsWith('//', c.start) || /[\r\n]/.test(text.slice(c.start, c.end));
  const lineCommentStarts = comments.filter(isLineComment).map((c) => c.start);
  const hasLineComment = (r: Range): boolean => {
    const k = firstAtOrAfter(lineCommentStarts, r.start, (n) => n);
    return k < lineCommentStarts.length && lineCommentStarts[k] < r.end;
  };

  // ---- spacing rules from the tree ------------------------------------------------------
  const sep: Sep[] = toks.map((_, i) => (i === 0 ? NONE : SPACE));
  // Binary search over the sorted tokens: a Map of ~6k offsets cost more than the rest of the layout.
  const tokenIndex = (offset: number): number | undefined => {
    const i = firstAtOrAfter(toks, offset, tokenStart);
    return i < toks.length && toks[i].range.start === offset ? i : undefined;
  };
  const setSep = (i: number | undefined, s: Sep): void => {
    if (i !== undefined && i > 0 && i < toks.length) sep[i] = s;
  };
  const tokensIn = (r: Range): number[] => {
    const out: number[] = [];
    let i = tokenIndex(r.start);
    if (i === undefined) return out;
    for (; i < toks.length && toks[i].range.end <= r.end; i++) out.push(i);
    return out;
  };

  for (let i = 1; i < toks.length; i++) {
    const t = toks[i];
    const p = toks[i - 1];
    if (t.kind === 'punctuation' && (t.text === ')' || t.text === ']' || t.text === ',' || t.text === '.')) sep[i] = NONE;
    if (p.kind === 'punctuation' && (p.text === '(' || p.text === '[' || p.text === '![' || p.text === '.')) sep[i] = NONE;
    if (t.kind === 'punctuation' && t.text === '(' && (p.kind === 'identifier' || p.kind === 'tildeIdentifier')) sep[i] = NONE;
    if (p.kind === 'operator' && p.text === '?') sep[i] = NONE;
  }

  const statement = parsed.statement;
  const query = statement.query!;
  walk(statement, (n) => {
    switch (n.kind) {
      case 'unary':
        setSep(nextIndex(tokenIndex(n.range.start)), NONE);
        break;
      case 'literal':
        if (text[n.range.start] === '-' || text[n.range.start] === '+') {
          for (const i of tokensIn(n.range).slice(1)) setSep(i, NONE);
        }
        break;
      case 'field':
        for (const i of tokensIn(n.range).slice(1)) setSep(i, NONE);
        break;
      case 'timespan': {
        // `maxspan=5m`: no spaces around '=' (a unit written apart, `5 m`, keeps its space)
        const first = tokenIndex(n.range.start);
        if (first !== undefined && toks[first - 1]?.text === '=') {
          setSep(first - 1, NONE);
          setSep(first, NONE);
        }
        break;
      }
      case 'param': {
        // `with maxspan=5m`, `with runs=3`: no spaces around '=' nor inside the value
        const idx = tokensIn(n.range);
        const eq = idx.findIndex((i) => toks[i].text === '=');
        // (a unit written apart, `5 m`, keeps its space: glued it would lex as another token)
        if (eq >= 0) for (const i of idx.slice(eq)) if (!(toks[i].kind === 'identifier' && toks[i - 1]?.kind === 'number')) setSep(i, NONE);
        break;
      }
      default:
        break;
    }
    return true;
  });

  // ---- line breaks -------------------------------------------------------------------------
  const flat = flatColumns(toks, sep);
  const widthOf = (r: Range): number => {
    const a = tokenIndex(r.start);
    if (a === undefined) return 0;
    const b = firstAtOrAfter(toks, r.end, tokenStart) - 1; // last token starting before the end
    if (b < a) return 0;
    return flat[b] + toks[b].text.length - flat[a];
  };
  const opTokenAfter = (offset: number, op: string): number | undefined => {
    let i = firstAtOrAfter(toks, offset, tokenStart);
    while (i < toks.length && !(toks[i].kind === 'keyword' && toks[i].text === op)) i++;
    return i < toks.length ? i : undefined;
  };

  const layout = (e: Expr, indent: number, force: boolean): void => {
    if (e.kind === 'logical') {
      const operands: Expr[] = [];
      const ops: number[] = [];
      const flatten = (x: Expr): void => {
        if (x.kind === 'logical' && x.op === e.op) {
          flatten(x.left);
          const oi = opTokenAfter(x.left.range.end, x.op);
          if (oi !== undefined) ops.push(oi);
          operands.push(x.right);
        } else operands.push(x);
      };
      flatten(e);
      const tooLong = force || indent + widthOf(e.range) > width || hasLineComment(e.range);
      if (tooLong) {
        for (const o of ops) setSep(o, { kind: 'break', indent });
        for (const x of operands) layout(x, indent + 2, false);
      }
      return;
    }
    if (e.kind === 'paren') {
      if (indent + widthOf(e.range) > width || hasLineComment(e.range)) layout(e.expr, indent, false);
      return;
    }
    if (e.kind === 'not') layout(e.operand, indent, false);
  };

  const stepIndent = 2;
  const layoutFilter = (cond: Expr, lineStartIndent: number, lineRange: Range): void => {
    const tooLong = lineStartIndent + widthOf(lineRange) > width || hasLineComment(lineRange);
    if (tooLong) layout(cond, lineStartIndent + 2, true);
  };

  if (query.kind === 'event') {
    layoutFilter(query.filter.condition, 0, query.filter.range);
  } else {
    const steps = [...query.steps];
    for (const s of steps) {
      setSep(tokenIndex(s.range.start), { kind: 'break', indent: stepIndent });
      layoutFilter(s.filter.condition, stepIndent, s.range);
    }
    const u = query.until;
    if (u) {
      const ui = tokenIndex(u.range.start);
      if (ui !== undefined && ui > 0) setSep(ui - 1, { kind: 'break', indent: 0 });
      layoutFilter(u.filter.condition, stepIndent, u.range);
    }
  }
  for (const p of statement.pipes) setSep(tokenIndex(p.range.start), { kind: 'break', indent: 0 });

  // List items that may wrap: token index of an item's first token -> the list's owner range
  const listItemStart = new Map<number, { width: number; list: number }>();
  let listCount = 0;
  walk(statement, (n) => {
    const items: Expr[] = n.kind === 'in' ? n.list : n.kind === 'match' ? n.patterns : n.kind === 'call' ? n.args : [];
    const list = listCount++;
    for (let k = 1; k < items.length; k++) {
      const i = tokenIndex(items[k].range.start);
      if (i !== undefined) listItemStart.set(i, { width: widthOf(items[k].range), list });
    }
    return true;
  });
  // A wrapped list keeps one continuation indent for all its lines.
  const listIndent = new Map<number, number>();

  // ---- emit --------------------------------------------------------------------------------
  let out = '';
  let col = 0;
  let lineIndent = 0;
  const newline = (indent: number): void => {
    out += '\n' + ' '.repeat(indent);
    col = indent;
    lineIndent = indent;
  };
  const write = (s: string): void => {
    out += s;
    col += s.length;
  };
  /** Writes the comments before token i; true when the token must start a new line. */
  const emitComments = (i: number): boolean => {
    const list = commentsBefore.get(i);
    if (!list) return false;
    let forceBreak = false;
    for (const c of list) {
      const ctext = text.slice(c.start, c.end);
      const prevEnd = i > 0 ? toks[i - 1].range.end : 0;
      const between = text.slice(prevEnd, c.start);
      const sameLine = i > 0 && !/[\r\n]/.test(between) && !(forceBreak);
      const multiLine = /[\r\n]/.test(ctext);
      const nextSep = i < toks.length ? sep[i] : SPACE;
      const ownIndent = nextSep.kind === 'break' ? nextSep.indent : lineIndent;
      if (out === '') {
        write(ctext);
      } else if (sameLine && !multiLine) {
        write(' ' + ctext);
      } else {
        newline(ownIndent);
        write(ctext);
      }
      if (isLineComment(c) || !sameLine) forceBreak = true;
    }
    return forceBreak;
  };

  for (let i = 0; i < toks.length; i++) {
    const forceBreak = emitComments(i);
    const s = sep[i];
    if (i === 0) {
      if (out !== '') newline(0);
    } else if (s.kind === 'break') {
      newline(s.indent);
    } else if (forceBreak) {
      newline(lineIndent);
    } else if (s.kind === 'space') {
      const item = listItemStart.get(i);
      if (item !== undefined && col + 1 + item.width > width && col > lineIndent + 20) {
        const ind = listIndent.get(item.list) ?? lineIndent + 2;
        listIndent.set(item.list, ind);
        newline(ind);
      } else write(' ');
    }
    write(toks[i].text);
  }
  emitComments(toks.length);
  // (comments keep their own trailing spaces: they are part of the comment's text)
  const result = out;

  // Safety: the same tokens and comments, in the same order, and still no syntax errors.
  const again = lex(result);
  const sameTokens =
    again.tokens.length - 1 === toks.length && toks.every((t, k) => again.tokens[k].text === t.text && again.tokens[k].kind === t.kind);
  const sameComments =
    again.comments.length === comments.length && comments.every((c, k) => text.slice(c.start, c.end) === result.slice(again.comments[k].start, again.comments[k].end));
  if (!sameTokens || !sameComments || again.errors.length > 0) {
    return undefined;
  }
  return result;
}

function nextIndex(i: number | undefined): number | undefined {
  return i === undefined ? undefined : i + 1;
}

/** Column of each token in a one-line rendering (breaks counted as one space). */
function flatColumns(toks: Token[], sep: Sep[]): number[] {
  const cols: number[] = [];
  let c = 0;
  for (let i = 0; i < toks.length; i++) {
    if (i > 0 && sep[i].kind !== 'none') c += 1;
    cols.push(c);
    c += toks[i].text.length;
  }
  return cols;
}
