// One canonical layout for EQL queries. The printer re-emits the query's own tokens (so string
// escapes, raw strings and name spellings survive untouched) and decides only the whitespace
// between them from the syntax tree: steps on their own lines, long boolean chains broken
// before `and`/`or`, long value lists wrapped. Comments are re-emitted in token order; the
// result is re-lexed and compared with the input, and if anything but whitespace differs the
// printer gives up (undefined) rather than lose or move text.
import type { Expr, Range, Statement } from './ast';
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
  if (parsed.tokens.length === 0) return undefined;
  const layout = new Layout(text, parsed.tokens, parsed.comments, width);
  layout.spacing(parsed.statement);
  layout.lineBreaks(parsed.statement);
  const result = layout.emit(layout.wrappableListItems(parsed.statement));
  return reprintsSame(text, parsed.tokens, parsed.comments, result) ? result : undefined;
}

/** The separator before each token of one query, decided from its tree, then written out. */
class Layout {
  /** Comments between token i-1 and token i (index 0: before the first token; toks.length: after the last). */
  private readonly commentsBefore = new Map<number, Range[]>();
  private readonly lineCommentStarts: number[];
  private readonly sep: Sep[];
  /** Column of each token in a one-line rendering, once the spacing is known. */
  private flat: number[] = [];

  constructor(
    private readonly text: string,
    private readonly toks: Token[],
    comments: Range[],
    private readonly width: number,
  ) {
    let ti = 0;
    for (const c of comments) {
      while (ti < toks.length && toks[ti].range.start < c.start) ti++;
      const list = this.commentsBefore.get(ti);
      if (list) list.push(c);
      else this.commentsBefore.set(ti, [c]);
    }
    this.lineCommentStarts = comments.filter((c) => this.isLineComment(c)).map((c) => c.start);
    this.sep = toks.map((_, i) => (i === 0 ? NONE : SPACE));
  }

  private isLineComment(c: Range): boolean {
    return this.text.startsWith('//', c.start) || /[\r\n]/.test(this.text.slice(c.start, c.end));
  }

  private hasLineComment(r: Range): boolean {
    const starts = this.lineCommentStarts;
    const k = firstAtOrAfter(starts, r.start, (n) => n);
    return k < starts.length && starts[k] < r.end;
  }

  /** Binary search over the sorted tokens: a Map of ~6k offsets cost more than the rest of the layout. */
  private tokenIndex(offset: number): number | undefined {
    const i = firstAtOrAfter(this.toks, offset, tokenStart);
    return i < this.toks.length && this.toks[i].range.start === offset ? i : undefined;
  }

  private setSep(i: number | undefined, s: Sep): void {
    if (i !== undefined && i > 0 && i < this.toks.length) this.sep[i] = s;
  }

  private tokensIn(r: Range): number[] {
    const out: number[] = [];
    let i = this.tokenIndex(r.start);
    if (i === undefined) return out;
    for (; i < this.toks.length && this.toks[i].range.end <= r.end; i++) out.push(i);
    return out;
  }

  // ---- spacing rules from the tree ------------------------------------------------------

  spacing(statement: Statement): void {
    const { toks, sep, text } = this;
    for (let i = 1; i < toks.length; i++) {
      const t = toks[i];
      const p = toks[i - 1];
      if (t.kind === 'punctuation' && (t.text === ')' || t.text === ']' || t.text === ',' || t.text === '.')) sep[i] = NONE;
      if (p.kind === 'punctuation' && (p.text === '(' || p.text === '[' || p.text === '![' || p.text === '.')) sep[i] = NONE;
      if (t.kind === 'punctuation' && t.text === '(' && (p.kind === 'identifier' || p.kind === 'tildeIdentifier')) sep[i] = NONE;
      if (p.kind === 'operator' && p.text === '?') sep[i] = NONE;
    }

    walk(statement, (n) => {
      switch (n.kind) {
        case 'unary':
          this.setSep(nextIndex(this.tokenIndex(n.range.start)), NONE);
          break;
        case 'literal':
          if (text[n.range.start] === '-' || text[n.range.start] === '+') {
            for (const i of this.tokensIn(n.range).slice(1)) this.setSep(i, NONE);
          }
          break;
        case 'field':
          for (const i of this.tokensIn(n.range).slice(1)) this.setSep(i, NONE);
          break;
        case 'timespan': {
          // `maxspan=5m`: no spaces around '=' (a unit written apart, `5 m`, keeps its space)
          const first = this.tokenIndex(n.range.start);
          if (first !== undefined && toks[first - 1]?.text === '=') {
            this.setSep(first - 1, NONE);
            this.setSep(first, NONE);
          }
          break;
        }
        case 'param': {
          // `with maxspan=5m`, `with runs=3`: no spaces around '=' nor inside the value
          const idx = this.tokensIn(n.range);
          const eq = idx.findIndex((i) => toks[i].text === '=');
          // (a unit written apart, `5 m`, keeps its space: glued it would lex as another token)
          if (eq >= 0) for (const i of idx.slice(eq)) if (!(toks[i].kind === 'identifier' && toks[i - 1]?.kind === 'number')) this.setSep(i, NONE);
          break;
        }
        default:
          break;
      }
      return true;
    });
  }

  // ---- line breaks -------------------------------------------------------------------------

  private widthOf(r: Range): number {
    const { toks, flat } = this;
    const a = this.tokenIndex(r.start);
    if (a === undefined) return 0;
    const b = firstAtOrAfter(toks, r.end, tokenStart) - 1; // last token starting before the end
    if (b < a) return 0;
    return flat[b] + toks[b].text.length - flat[a];
  }

  private opTokenAfter(offset: number, op: string): number | undefined {
    const { toks } = this;
    let i = firstAtOrAfter(toks, offset, tokenStart);
    while (i < toks.length && !(toks[i].kind === 'keyword' && toks[i].text === op)) i++;
    return i < toks.length ? i : undefined;
  }

  private layout(e: Expr, indent: number, force: boolean): void {
    if (e.kind === 'logical') {
      const operands: Expr[] = [];
      const ops: number[] = [];
      const flatten = (x: Expr): void => {
        if (x.kind === 'logical' && x.op === e.op) {
          flatten(x.left);
          const oi = this.opTokenAfter(x.left.range.end, x.op);
          if (oi !== undefined) ops.push(oi);
          operands.push(x.right);
        } else operands.push(x);
      };
      flatten(e);
      const tooLong = force || indent + this.widthOf(e.range) > this.width || this.hasLineComment(e.range);
      if (tooLong) {
        for (const o of ops) this.setSep(o, { kind: 'break', indent });
        for (const x of operands) this.layout(x, indent + 2, false);
      }
      return;
    }
    if (e.kind === 'paren') {
      if (indent + this.widthOf(e.range) > this.width || this.hasLineComment(e.range)) this.layout(e.expr, indent, false);
      return;
    }
    if (e.kind === 'not') this.layout(e.operand, indent, false);
  }

  private layoutFilter(cond: Expr, lineStartIndent: number, lineRange: Range): void {
    const tooLong = lineStartIndent + this.widthOf(lineRange) > this.width || this.hasLineComment(lineRange);
    if (tooLong) this.layout(cond, lineStartIndent + 2, true);
  }

  lineBreaks(statement: Statement): void {
    this.flat = flatColumns(this.toks, this.sep);
    const query = statement.query!;
    const stepIndent = 2;
    if (query.kind === 'event') {
      this.layoutFilter(query.filter.condition, 0, query.filter.range);
    } else {
      const steps = [...query.steps];
      for (const s of steps) {
        this.setSep(this.tokenIndex(s.range.start), { kind: 'break', indent: stepIndent });
        this.layoutFilter(s.filter.condition, stepIndent, s.range);
      }
      const u = query.until;
      if (u) {
        const ui = this.tokenIndex(u.range.start);
        if (ui !== undefined && ui > 0) this.setSep(ui - 1, { kind: 'break', indent: 0 });
        this.layoutFilter(u.filter.condition, stepIndent, u.range);
      }
    }
    for (const p of statement.pipes) this.setSep(this.tokenIndex(p.range.start), { kind: 'break', indent: 0 });
  }

  /** List items that may wrap: token index of an item's first token -> its width and which list it is in. */
  wrappableListItems(statement: Statement): Map<number, { width: number; list: number }> {
    const listItemStart = new Map<number, { width: number; list: number }>();
    let listCount = 0;
    walk(statement, (n) => {
      const items: Expr[] = n.kind === 'in' ? n.list : n.kind === 'match' ? n.patterns : n.kind === 'call' ? n.args : [];
      const list = listCount++;
      for (let k = 1; k < items.length; k++) {
        const i = this.tokenIndex(items[k].range.start);
        if (i !== undefined) listItemStart.set(i, { width: this.widthOf(items[k].range), list });
      }
      return true;
    });
    return listItemStart;
  }

  // ---- emit --------------------------------------------------------------------------------

  emit(listItemStart: Map<number, { width: number; list: number }>): string {
    const { text, toks, sep, width } = this;
    // A wrapped list keeps one continuation indent for all its lines.
    const listIndent = new Map<number, number>();
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
      const list = this.commentsBefore.get(i);
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
        if (this.isLineComment(c) || !sameLine) forceBreak = true;
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
    return out;
  }
}

/** Safety: the same tokens and comments, in the same order, and still no syntax errors. */
function reprintsSame(text: string, toks: Token[], comments: Range[], result: string): boolean {
  const again = lex(result);
  const sameTokens =
    again.tokens.length - 1 === toks.length && toks.every((t, k) => again.tokens[k].text === t.text && again.tokens[k].kind === t.kind);
  const sameComments =
    again.comments.length === comments.length && comments.every((c, k) => text.slice(c.start, c.end) === result.slice(again.comments[k].start, again.comments[k].end));
  return sameTokens && sameComments && again.errors.length === 0;
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
