// Hand-written, error-recovering recursive descent parser for Elasticsearch's EQL.
// It never throws: a mistake becomes a diagnostic plus an ErrorExpr (or a partial node), and
// parsing resumes at the next token that can start or end a clause (`]`, `and`, `or`, `|`, `by`...),
// so one typo does not hide the diagnostics of the rest of the query.
// Precedence follows Elasticsearch's grammar: or < and < not < comparison < + - < * / % < unary < predicate.
import type {
  Category,
  ComparisonOp,
  EventFilter,
  Expr,
  FieldRef,
  Literal,
  NumberParam,
  Pipe,
  Query,
  Range,
  Statement,
  Step,
  TimeSpan,
} from './ast';
import type { Diagnostic } from '../diagnostic';
import { KEYWORDS, lex, quoteString, type Token } from './lexer';
import type { DiagnosticCode } from '../codes';

export interface ParseResult {
  /** The text that was parsed. */
  text: string;
  statement: Statement;
  errors: Diagnostic[];
  tokens: Token[];
  comments: Range[];
}

export interface ExpressionParseResult {
  expr: Expr;
  errors: Diagnostic[];
  tokens: Token[];
  comments: Range[];
}

/** Time units Elasticsearch accepts in `maxspan`, in milliseconds. */
export const TIME_UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const MAX_DEPTH = 200;

/**
 * A copy of a token's or child's range for a node: every range object has one owner, so an
 * incremental re-parse can move each exactly once.
 */
function own(r: Range): Range {
  return { start: r.start, end: r.end };
}
const BOUNDARY_KEYWORDS = new Set(['and', 'or', 'by', 'until', 'with', 'where']);
const BOUNDARY_PUNCTUATION = new Set([']', ')', ',', '|', '[', '![']);
/** EQL's comparison operators (`:` is a list/wildcard operator: see the service's VALUE_OPS). */
export const COMPARISON_OPS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);

class Parser {
  private pos = 0;
  /** Error recovery skipped to the end of the tokens (for a fragment: past where it should end). */
  recoveredToEnd = false;
  private readonly reported = new Set<number>();
  readonly errors: Diagnostic[] = [];

  constructor(
    private readonly text: string,
    private readonly toks: Token[],
    /** Nesting already entered around this text (a fragment parsed on its own). */
    private depth = 0,
  ) {}

  // ---- token helpers -------------------------------------------------------------------

  current(): Token {
    return this.toks[this.pos];
  }

  private get tok(): Token {
    return this.toks[this.pos];
  }
  private peek(k = 1): Token {
    return this.toks[Math.min(this.pos + k, this.toks.length - 1)];
  }
  private next(): Token {
    const t = this.toks[this.pos];
    if (this.pos < this.toks.length - 1) this.pos++;
    return t;
  }
  private is(text: string, t: Token = this.tok): boolean {
    return t.kind !== 'string' && t.kind !== 'quotedIdentifier' && t.kind !== 'eof' && t.text === text;
  }
  private isKw(word: string, t: Token = this.tok): boolean {
    return t.kind === 'keyword' && t.text === word;
  }
  private accept(text: string): Token | undefined {
    return this.is(text) ? this.next() : undefined;
  }
  private prevEnd(): number {
    return this.pos > 0 ? this.toks[this.pos - 1].range.end : 0;
  }
  atEof(): boolean {
    return this.tok.kind === 'eof';
  }

  error(range: Range, code: DiagnosticCode, message: string, fixes?: Diagnostic['fixes']): void {
    if (this.reported.has(range.start)) return;
    this.reported.add(range.start);
    const d: Diagnostic = { range, severity: 'error', code, message };
    if (fixes) d.fixes = fixes;
    this.errors.push(d);
  }

  private describe(t: Token): string {
    if (t.kind === 'eof') return 'the end of the query';
    const s = t.text.length > 30 ? t.text.slice(0, 30) + '…' : t.text;
    return `'${s}'`;
  }

  private unexpected(expected: string, t: Token = this.tok): void {
    const range = t.kind === 'eof' ? { start: t.range.start, end: t.range.start } : t.range;
    const lower = t.text.toLowerCase();
    if (t.kind === 'identifier' && lower !== t.text && KEYWORDS.has(lower)) {
      this.error(range, 'EQL010', `Keywords are lower-case in EQL: write '${lower}' instead of '${t.text}'.`, [
        { title: `Write '${lower}'`, edits: [{ range, newText: lower }], preferred: true },
      ]);
      return;
    }
    this.error(range, 'EQL010', `Expected ${expected}, found ${this.describe(t)}.`);
  }

  /** Skips to a token where a clause can resume; `]`/`)` only count at nesting depth 0. */
  private sync(stopAt: (t: Token) => boolean): void {
    let depth = 0;
    while (!this.atEof()) {
      const t = this.tok;
      if (depth === 0 && stopAt(t)) return;
      if (this.is('(') || this.is('[') || this.is('![')) depth++;
      else if (this.is(')') || this.is(']')) {
        if (depth === 0) return;
        depth--;
      }
      this.next();
    }
    this.recoveredToEnd = true;
  }

  private isClauseBoundary(t: Token): boolean {
    if (t.kind === 'keyword') return BOUNDARY_KEYWORDS.has(t.text);
    if (t.kind === 'punctuation') return BOUNDARY_PUNCTUATION.has(t.text);
    return false;
  }

  // ---- statement -----------------------------------------------------------------------

  parseStatement(): Statement {
    const query = this.parseQuery();
    const pipes: Pipe[] = [];
    if (query && !this.atEof() && !this.is('|')) {
      this.unexpected(query.kind === 'event' ? "'and', 'or' or a pipe '|'" : "a step '[', 'until' or a pipe '|'");
      this.sync((t) => t.text === '|' && t.kind === 'punctuation');
      if (this.is(']') || this.is(')')) {
        this.next();
        this.sync((t) => t.text === '|' && t.kind === 'punctuation');
      }
    }
    while (!this.atEof()) {
      if (this.is('|')) {
        pipes.push(this.parsePipe());
        continue;
      }
      this.unexpected("a pipe '|'");
      const before = this.pos;
      this.sync((t) => t.text === '|' && t.kind === 'punctuation');
      if (this.pos === before) this.next();
    }
    return { kind: 'statement', range: { start: 0, end: this.text.length }, query, pipes };
  }

  private parseQuery(): Query | undefined {
    const t = this.tok;
    if (t.kind === 'eof') {
      this.error({ start: 0, end: this.text.length }, 'EQL015', 'Empty query: write an event query such as `process where process.name == "cmd.exe"`, or a sequence or sample.');
      return undefined;
    }
    if (t.kind === 'identifier' && /^(sequence|sample|join)$/i.test(t.text) && t.text !== t.text.toLowerCase() && !this.isKw('where', this.peek())) {
      const lower = t.text.toLowerCase();
      this.error(t.range, 'EQL010', `Keywords are lower-case in EQL: write '${lower}' instead of '${t.text}'.`, [
        { title: `Write '${lower}'`, edits: [{ range: t.range, newText: lower }], preferred: true },
      ]);
      if (lower === 'sequence') return this.parseSequence();
      return this.parseSampleOrJoin(lower === 'sample' ? 'sample' : 'join');
    }
    if (this.isKw('sequence')) return this.parseSequence();
    if (this.isKw('sample')) return this.parseSampleOrJoin('sample');
    if (this.isKw('join')) return this.parseSampleOrJoin('join');
    if (this.startsCategory(t) || (t.kind === 'quotedIdentifier' && this.isKw('where', this.peek()))) {
      const filter = this.parseEventFilter();
      return { kind: 'event', range: own(filter.range), filter };
    }
    this.unexpected("an event category (e.g. 'process', 'any'), 'sequence' or 'sample'");
    // Still try to read `... where cond` after a bad category so later mistakes are reported too.
    const start = t.range.start;
    this.sync((x) => this.isKw('where', x) || x.text === '|');
    if (this.isKw('where')) {
      this.next();
      const condition = this.parseExpression();
      const category: Category = { kind: 'category', range: own(t.range), name: t.text, any: false, quoted: false };
      const filter: EventFilter = { kind: 'filter', range: { start, end: this.prevEnd() }, category, condition };
      return { kind: 'event', range: own(filter.range), filter };
    }
    return undefined;
  }

  private startsCategory(t: Token): boolean {
    return t.kind === 'identifier' || (t.kind === 'string' && (t.quote === '"' || t.quote === '"""')) || this.isKw('any', t);
  }

  private parseEventFilter(): EventFilter {
    const t = this.tok;
    let category: Category;
    if (this.startsCategory(t)) {
      this.next();
      if (t.kind === 'string') {
        category = { kind: 'category', range: own(t.range), name: String(t.value ?? ''), any: false, quoted: true };
      } else {
        const any = t.kind === 'keyword';
        category = { kind: 'category', range: own(t.range), name: any ? '' : t.text, any, quoted: false };
      }
    } else {
      if (t.kind === 'quotedIdentifier') {
        this.error(t.range, 'EQL010', `An event category is an identifier or a double-quoted string, not a quoted field name: write "${String(t.value ?? '')}".`, [
          { title: 'Use a string', edits: [{ range: t.range, newText: quoteString(String(t.value ?? '')) }], preferred: true },
        ]);
        this.next();
      } else if (this.isKw('where', t)) {
        this.error({ start: t.range.start, end: t.range.start }, 'EQL010', "Expected an event category before 'where', e.g. 'process' or 'any'.");
      } else {
        this.unexpected("an event category (e.g. 'process' or 'any')");
        if (t.kind !== 'eof' && !this.is(']') && !this.isKw('where')) this.next();
      }
      category = { kind: 'category', range: { start: t.range.start, end: t.range.start }, name: '', any: false, quoted: false };
    }
    let condition: Expr;
    if (this.isKw('where')) {
      this.next();
      condition = this.parseExpression();
    } else {
      const w = this.tok;
      this.error(
        w.kind === 'eof' ? { start: w.range.start, end: w.range.start } : w.range,
        'EQL011',
        `Expected 'where' after the event category, found ${this.describe(w)}.`,
      );
      if (!this.atEof() && !this.is(']') && !this.is('|') && !this.isKw('by')) {
        condition = this.parseExpression();
      } else {
        condition = { kind: 'error', range: { start: this.prevEnd(), end: this.prevEnd() } };
      }
    }
    return { kind: 'filter', range: { start: category.range.start, end: Math.max(category.range.end, this.prevEnd()) }, category, condition };
  }

  private parseSequence(): Query {
    const start = this.next().range.start; // sequence
    let by: Expr[] = [];
    let maxspan: TimeSpan | undefined;
    if (this.isKw('by')) {
      by = this.parseJoinKeys();
      if (this.isKw('with') && this.isKw('maxspan', this.peek())) maxspan = this.parseMaxspan();
    } else if (this.isKw('with') && this.isKw('maxspan', this.peek())) {
      maxspan = this.parseMaxspan();
      if (this.isKw('by')) {
        const byTok = this.tok;
        by = this.parseJoinKeys();
        this.error(byTok.range, 'EQL017', "Write the sequence's 'by' keys before 'with maxspan', not after: `sequence by key with maxspan=5m`.");
      }
    }
    const steps = this.parseSteps();
    const until = this.parseUntil();
    return { kind: 'sequence', range: { start, end: this.prevEnd() }, by, maxspan, steps, until };
  }

  private parseSampleOrJoin(kind: 'sample' | 'join'): Query {
    const start = this.next().range.start;
    let by: Expr[] = [];
    if (this.isKw('by')) by = this.parseJoinKeys();
    if (this.isKw('with') && this.isKw('maxspan', this.peek())) {
      // Not valid for samples; parsed so the analyzer can say so precisely.
      const clauseStart = this.tok.range.start;
      this.parseMaxspan();
      const clause = { start: clauseStart, end: this.prevEnd() };
      this.error(clause, 'EQL018', `'with maxspan' applies to sequences only; a ${kind} has no time window. Remove it.`, [
        { title: 'Remove maxspan', edits: [{ range: clause, newText: '' }], preferred: true },
      ]);
    }
    const steps = this.parseSteps();
    const until = this.parseUntil();
    const range = { start, end: this.prevEnd() };
    if (kind === 'sample') return { kind: 'sample', range, by, steps, until };
    return { kind: 'join', range, by, steps, until };
  }

  private parseUntil(): Step | undefined {
    if (!this.isKw('until')) return undefined;
    this.next();
    if (this.is('[') || this.is('![')) return this.parseStep();
    this.unexpected("a step '[ ... ]' after 'until'");
    return undefined;
  }

  private parseSteps(): Step[] {
    const steps: Step[] = [];
    while (this.is('[') || this.is('![')) steps.push(this.parseStep());
    if (steps.length === 0) this.unexpected("a step '[category where condition]'");
    return steps;
  }

  parseStep(): Step {
    const open = this.next();
    const missing = open.text === '![';
    const filter = this.parseEventFilter();
    if (!this.accept(']')) {
      const t = this.tok;
      this.error(
        t.kind === 'eof' ? { start: t.range.start, end: t.range.start } : t.range,
        'EQL012',
        `Expected ']' to close the step opened at offset ${open.range.start}, found ${this.describe(t)}.`,
      );
      this.sync((x) => x.text === '[' || x.text === '![' || x.text === '|' || this.isKw('until', x) || this.isKw('by', x));
      this.accept(']');
    }
    // endgame's `fork` / `fork=true` after a step
    if (this.tok.kind === 'identifier' && this.tok.text === 'fork') {
      const forkStart = this.next().range.start;
      if (this.accept('=') && (this.isKw('true') || this.isKw('false'))) this.next();
      this.error({ start: forkStart, end: this.prevEnd() }, 'EQL024', "'fork' is an endgame sequence option that Elasticsearch does not support: remove it.", [
        { title: "Remove 'fork'", edits: [{ range: { start: forkStart, end: this.prevEnd() }, newText: '' }], preferred: true },
      ]);
    }
    let by: Expr[] = [];
    if (this.isKw('by')) by = this.parseJoinKeys();
    let runs: NumberParam | undefined;
    if (this.isKw('with') && !this.isKw('maxspan', this.peek())) runs = this.parseStepParam();
    else if (this.isKw('with')) {
      const clauseStart = this.tok.range.start;
      this.parseMaxspan();
      this.error({ start: clauseStart, end: this.prevEnd() }, 'EQL017', "'with maxspan' belongs right after `sequence [by ...]`, before the first step.");
    }
    return { kind: 'step', range: { start: open.range.start, end: this.prevEnd() }, missing, filter, by, runs };
  }

  private parseStepParam(): NumberParam {
    const start = this.next().range.start; // with
    const nameTok = this.tok;
    let name = '';
    if (nameTok.kind === 'identifier' || nameTok.kind === 'keyword') {
      name = nameTok.text;
      this.next();
    } else {
      this.unexpected("'runs' after 'with'");
      return { kind: 'param', range: { start, end: this.prevEnd() }, name, value: undefined };
    }
    this.expectAssign();
    let value: number | undefined;
    const v = this.tok;
    if (v.kind === 'number') {
      value = Number(v.value);
      this.next();
    } else {
      this.unexpected(`a number after '${name}='`);
      if (v.kind === 'timespan' || v.kind === 'identifier') this.next();
    }
    return { kind: 'param', range: { start, end: this.prevEnd() }, name, value };
  }

  private expectAssign(): void {
    if (this.accept('=')) return;
    const t = this.tok;
    if (this.is('==')) {
      this.error(t.range, 'EQL013', "Use a single '=' here (`maxspan=5m`, `runs=3`).", [
        { title: "Replace '==' with '='", edits: [{ range: t.range, newText: '=' }], preferred: true },
      ]);
      this.next();
      return;
    }
    this.error(t.kind === 'eof' ? { start: t.range.start, end: t.range.start } : t.range, 'EQL010', `Expected '=' found ${this.describe(t)}.`);
  }

  /** `with maxspan=5m`; the TimeSpan's range is the value (`5m`, or `5 m`). */
  private parseMaxspan(): TimeSpan {
    this.next(); // with
    this.next(); // maxspan
    this.expectAssign();
    const t = this.tok;
    const start = t.range.start;
    if (t.kind === 'timespan') {
      this.next();
      const digits = /^\d+/.exec(t.text)?.[0] ?? '';
      const unit = t.text.slice(digits.length);
      const value = Number(digits);
      const mult = TIME_UNITS[unit];
      return { kind: 'timespan', range: { start, end: t.range.end }, text: t.text, value, unit, ms: mult === undefined ? undefined : value * mult };
    }
    if (t.kind === 'number') {
      this.next();
      const value = Number(t.value);
      let unit = '';
      let end = t.range.end;
      let text = t.text;
      if (this.tok.kind === 'identifier' && this.tok.range.start >= end) {
        unit = this.tok.text;
        end = this.tok.range.end;
        text = this.text.slice(t.range.start, end);
        this.next();
      }
      const mult = TIME_UNITS[unit];
      return { kind: 'timespan', range: { start, end }, text, value, unit, ms: mult === undefined ? undefined : value * mult };
    }
    this.unexpected("a time span such as '5m' after 'maxspan='");
    const at = this.prevEnd();
    return { kind: 'timespan', range: { start: at, end: at }, text: '', value: undefined, unit: '', ms: undefined };
  }

  private parseJoinKeys(): Expr[] {
    this.next(); // by
    const keys: Expr[] = [this.parseExpression()];
    while (this.accept(',')) keys.push(this.parseExpression());
    return keys;
  }

  private parsePipe(): Pipe {
    const bar = this.next();
    const nameTok = this.tok;
    let name = '';
    let nameRange: Range = { start: bar.range.end, end: bar.range.end };
    if (nameTok.kind === 'identifier' || nameTok.kind === 'keyword') {
      name = nameTok.text;
      nameRange = own(nameTok.range);
      this.next();
    } else {
      this.unexpected("a pipe name such as 'head' or 'tail' after '|'");
    }
    const args: Expr[] = [];
    if (!this.atEof() && !this.is('|')) {
      args.push(this.parseExpression());
      while (this.accept(',')) args.push(this.parseExpression());
    }
    if (!this.atEof() && !this.is('|')) {
      this.unexpected("',' or another pipe '|'");
      this.sync((t) => t.text === '|' && t.kind === 'punctuation');
      while (!this.atEof() && !this.is('|')) this.next();
    }
    return { kind: 'pipe', range: { start: bar.range.start, end: this.prevEnd() }, name, nameRange, args };
  }

  // ---- expressions ---------------------------------------------------------------------

  parseExpression(): Expr {
    if (this.depth > MAX_DEPTH) {
      const t = this.tok;
      // Reported once per parse: the operands next to the first too-deep one are too deep as well.
      if (!this.errors.some((d) => d.code === 'EQL019')) this.error(t.range, 'EQL019', 'The expression is nested too deeply to check.');
      // Skip the too-deep part up to the ')' / ']' / ',' that belongs to the enclosing level, so
      // the enclosing parentheses and calls close normally: one error, not a false EQL012 per
      // level, and the rest of the query is still checked.
      const start = t.range.start;
      let level = 0;
      while (!this.atEof()) {
        const x = this.tok;
        if (x.kind === 'punctuation' || x.kind === 'operator') {
          if (x.text === '(' || x.text === '[' || x.text === '![') level++;
          else if (x.text === ')' || x.text === ']' || x.text === ',') {
            if (level === 0) break;
            if (x.text !== ',') level--;
          }
        }
        this.next();
      }
      return { kind: 'error', range: { start, end: Math.max(start, this.prevEnd()) } };
    }
    this.depth++;
    try {
      return this.parseOr();
    } finally {
      this.depth--;
    }
  }

  /** `AND`/`Or`...: report with a fix and read it as the keyword, so the rest still parses. */
  private acceptMiscased(word: 'and' | 'or'): boolean {
    const t = this.tok;
    if (t.kind !== 'identifier' || t.text.toLowerCase() !== word) return false;
    this.unexpected(`'${word}'`);
    this.next();
    return true;
  }

  private parseOr(): Expr {
    return this.parseLogical('or', false);
  }

  private parseAnd(): Expr {
    return this.parseLogical('and', true);
  }

  /** A left-associative chain of `op`; `and` binds tighter, so its operands are `not` terms. */
  private parseLogical(op: 'and' | 'or', operandIsNot: boolean): Expr {
    let left = operandIsNot ? this.parseNot() : this.parseAnd();
    while (this.isKw(op) || this.acceptMiscased(op)) {
      if (this.isKw(op)) this.next();
      const right = operandIsNot ? this.parseNot() : this.parseAnd();
      left = { kind: 'logical', op, left, right, range: { start: left.range.start, end: right.range.end } };
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.isKw('not')) {
      const start = this.next().range.start;
      if (this.depth > MAX_DEPTH) return this.parseExpression();
      this.depth++;
      try {
        const operand = this.parseNot();
        return { kind: 'not', operand, range: { start, end: operand.range.end } };
      } finally {
        this.depth--;
      }
    }
    // endgame lineage: `descendant of [...]`, `child of [...]`, `event of [...]`
    if (this.tok.kind === 'identifier' && this.isKw('of', this.peek())) {
      const rel = this.next();
      this.next(); // of
      this.error(
        rel.range,
        'EQL020',
        `Process relationships ('${rel.text} of') are not supported by Elasticsearch: use a sequence joined on the process entity id instead, e.g. \`sequence [process where ...] by process.entity_id [process where ...] by process.parent.entity_id\`.`,
      );
      if (this.is('[') || this.is('![')) this.parseStep();
      return { kind: 'error', range: { start: rel.range.start, end: this.prevEnd() } };
    }
    return this.parseComparison();
  }

  private parseComparison(): Expr {
    const left = this.parseAdditive();
    let t = this.tok;
    if (t.kind !== 'operator' || (!COMPARISON_OPS.has(t.text) && t.text !== '=')) return left;
    let op: ComparisonOp;
    if (t.text === '=') {
      this.error(t.range, 'EQL014', "Use '==' to compare; a single '=' is not an operator in EQL.", [
        { title: "Replace '=' with '=='", edits: [{ range: t.range, newText: '==' }], preferred: true },
      ]);
      op = '==';
    } else op = t.text as ComparisonOp;
    this.next();
    const right = this.parseAdditive();
    let result: Expr = { kind: 'comparison', op, opRange: own(t.range), left, right, range: { start: left.range.start, end: right.range.end } };
    // Comparisons don't chain in EQL: report, then keep parsing to the right for recovery.
    t = this.tok;
    while (t.kind === 'operator' && (COMPARISON_OPS.has(t.text) || t.text === '=')) {
      this.error(
        t.range,
        'EQL016',
        `Comparisons cannot be chained: split \`a ${op} b ${t.text} c\` into two comparisons joined with 'and'.`,
      );
      this.next();
      const more = this.parseAdditive();
      result = { kind: 'error', range: { start: result.range.start, end: more.range.end } };
      t = this.tok;
    }
    return result;
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    while (this.tok.kind === 'operator' && (this.tok.text === '+' || this.tok.text === '-')) {
      const op = this.next().text as '+' | '-';
      const right = this.parseMultiplicative();
      left = { kind: 'arithmetic', op, left, right, range: { start: left.range.start, end: right.range.end } };
    }
    return left;
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    while (this.tok.kind === 'operator' && (this.tok.text === '*' || this.tok.text === '/' || this.tok.text === '%')) {
      const op = this.next().text as '*' | '/' | '%';
      const right = this.parseUnary();
      left = { kind: 'arithmetic', op, left, right, range: { start: left.range.start, end: right.range.end } };
    }
    return left;
  }

  private parseUnary(): Expr {
    const t = this.tok;
    if (t.kind === 'operator' && (t.text === '-' || t.text === '+')) {
      this.next();
      if (this.depth > MAX_DEPTH) return this.parseExpression();
      this.depth++;
      let operand: Expr;
      try {
        operand = this.parseUnary();
      } finally {
        this.depth--;
      }
      // Fold a sign into a number literal, as Elasticsearch does: `-1` is a constant.
      if (operand.kind === 'literal' && typeof operand.value === 'number' && (operand.type === 'integer' || operand.type === 'float')) {
        const value = t.text === '-' ? -operand.value : operand.value;
        return { ...operand, value: Object.is(value, -0) ? 0 : value, range: { start: t.range.start, end: operand.range.end } };
      }
      return { kind: 'unary', op: t.text as '-' | '+', operand, range: { start: t.range.start, end: operand.range.end } };
    }
    return this.parsePredicate();
  }

  private parsePredicate(): Expr {
    const value = this.parsePrimary();
    const t = this.tok;
    // `x not in (...)`
    if (this.isKw('not') && (this.isKw('in', this.peek()) || this.isKw('in~', this.peek()))) {
      this.next();
      return this.parseIn(value, true, t.range.start);
    }
    if (this.isKw('in') || this.isKw('in~')) return this.parseIn(value, false, t.range.start);
    if (this.is(':') && t.kind === 'operator') return this.parseMatch(value, ':', false);
    // `x !: "a"` (older grammars): not an operator in Elasticsearch; offer `not x : "a"`.
    if (t.kind === 'operator' && t.text === '!' && this.is(':', this.peek()) && this.peek().range.start === t.range.end) {
      const colon = this.peek();
      this.error({ start: t.range.start, end: colon.range.end }, 'EQL023', "'!:' is not an operator in Elasticsearch: write `not field : \"pattern\"`.", [
        {
          title: "Use 'not ... :'",
          edits: [
            { range: { start: value.range.start, end: value.range.start }, newText: 'not ' },
            { range: { start: t.range.start, end: colon.range.end }, newText: ':' },
          ],
          preferred: true,
        },
      ]);
      this.next();
      const m = this.parseMatch(value, ':', false);
      return { kind: 'not', operand: m, range: own(m.range) };
    }
    if (this.isKw('like') || this.isKw('like~')) return this.parseMatch(value, 'like', t.text.endsWith('~'));
    if (this.isKw('regex') || this.isKw('regex~')) return this.parseMatch(value, 'regex', t.text.endsWith('~'));
    return value;
  }

  private parseIn(value: Expr, negated: boolean, opStart: number): Expr {
    const opTok = this.next(); // in / in~
    const opRange = { start: opStart, end: opTok.range.end };
    const insensitive = opTok.text === 'in~';
    const list: Expr[] = [];
    if (!this.accept('(')) {
      this.unexpected(`'(' after '${opTok.text}': write \`${opTok.text} ("a", "b")\``);
      if (this.startsExpression(this.tok)) list.push(this.parseAdditive());
      return { kind: 'in', negated, insensitive, opRange, value, list, range: { start: value.range.start, end: this.prevEnd() } };
    }
    if (this.is(')')) {
      this.error({ start: opTok.range.start, end: this.tok.range.end }, 'EQL010', `The list after '${opTok.text}' is empty: give at least one value.`);
      this.next();
      return { kind: 'in', negated, insensitive, opRange, value, list, range: { start: value.range.start, end: this.prevEnd() } };
    }
    list.push(this.parseExpression());
    while (this.accept(',')) list.push(this.parseExpression());
    this.expectClose(')', "')' to close the list");
    return { kind: 'in', negated, insensitive, opRange, value, list, range: { start: value.range.start, end: this.prevEnd() } };
  }

  private parseMatch(value: Expr, op: ':' | 'like' | 'regex', insensitive: boolean): Expr {
    const opTok = this.next();
    const patterns: Expr[] = [];
    const constant = (): void => {
      const e = this.parseUnary();
      if (e.kind !== 'literal' && e.kind !== 'error') {
        this.error(e.range, 'EQL022', `The pattern after '${opTok.text}' must be a literal string, such as "*.exe"; to compare with a field or a computed value use '=='.`);
      }
      patterns.push(e);
    };
    if (this.accept('(')) {
      if (this.is(')')) {
        this.error({ start: opTok.range.start, end: this.tok.range.end }, 'EQL010', `The list after '${opTok.text}' is empty: give at least one pattern.`);
        this.next();
      } else {
        constant();
        while (this.accept(',')) constant();
        this.expectClose(')', "')' to close the pattern list");
      }
    } else constant();
    return {
      kind: 'match',
      op,
      insensitive: op === ':' ? true : insensitive,
      opRange: own(opTok.range),
      value,
      patterns,
      range: { start: value.range.start, end: this.prevEnd() },
    };
  }

  private expectClose(close: ')' | ']', what: string): void {
    if (this.accept(close)) return;
    const t = this.tok;
    this.error(t.kind === 'eof' ? { start: t.range.start, end: t.range.start } : t.range, 'EQL012', `Expected ${what}, found ${this.describe(t)}.`);
    // Skip the junk up to the closer when it is near (same clause); else leave it for the caller.
    const save = this.pos;
    this.sync((x) => x.text === '|' || (x.kind === 'keyword' && (x.text === 'by' || x.text === 'until')) || x.text === '[' || x.text === '![');
    if (this.is(close)) this.next();
    else this.pos = save;
  }

  private startsExpression(t: Token): boolean {
    switch (t.kind) {
      case 'identifier':
      case 'quotedIdentifier':
      case 'tildeIdentifier':
      case 'string':
      case 'number':
        return true;
      case 'keyword':
        return ['true', 'false', 'null', 'not'].includes(t.text);
      case 'operator':
        return t.text === '?' || t.text === '-' || t.text === '+';
      case 'punctuation':
        return t.text === '(';
      default:
        return false;
    }
  }

  parsePrimary(): Expr {
    const t = this.tok;
    switch (t.kind) {
      case 'string':
        this.next();
        return { kind: 'literal', type: 'string', value: String(t.value ?? ''), range: own(t.range), ...(t.quote === '"""' ? { raw: true } : {}) };
      case 'number': {
        this.next();
        const isInt = /^\d+$/.test(t.text);
        return { kind: 'literal', type: isInt ? 'integer' : 'float', value: Number(t.value), range: own(t.range) };
      }
      case 'timespan': {
        this.next();
        this.error(t.range, 'EQL010', `'${t.text}' is not a value: time spans are only allowed in 'with maxspan=...'; separate a number from a name with an operator.`);
        return { kind: 'error', range: own(t.range) };
      }
      case 'keyword':
        if (t.text === 'true' || t.text === 'false') {
          this.next();
          return { kind: 'literal', type: 'boolean', value: t.text === 'true', range: own(t.range) };
        }
        if (t.text === 'null') {
          this.next();
          return { kind: 'literal', type: 'null', value: null, range: own(t.range) };
        }
        if (this.is('(', this.peek()) && ['in', 'like', 'regex'].includes(t.text)) break;
        if (this.is('.', this.peek()) || (this.peek().kind === 'operator' && COMPARISON_OPS.has(this.peek().text))) {
          this.error(t.range, 'EQL010', `'${t.text}' is a reserved word: to use it as a field name, quote it with backticks: \`${t.text}\`.`, [
            { title: 'Quote with backticks', edits: [{ range: t.range, newText: '`' + t.text + '`' }], preferred: true },
          ]);
          return this.parseField();
        }
        break;
      case 'identifier':
      case 'tildeIdentifier':
        if (this.is('(', this.peek())) return this.parseCall();
        if (t.kind === 'tildeIdentifier') {
          this.error(t.range, 'EQL010', `'~' marks a case-insensitive function call and must be followed by '(': \`${t.text}(...)\`.`);
          this.next();
          return { kind: 'error', range: own(t.range) };
        }
        return this.parseField();
      case 'quotedIdentifier':
        return this.parseField();
      case 'operator':
        if (t.text === '?') return this.parseField();
        break;
      case 'punctuation':
        if (t.text === '(') {
          this.next();
          const expr = this.parseExpression();
          this.expectClose(')', "')'");
          return { kind: 'paren', expr, range: { start: t.range.start, end: this.prevEnd() } };
        }
        break;
      default:
        break;
    }
    // Not an expression: report, skip to a boundary, stand in an ErrorExpr.
    this.unexpected('a value, field or function call');
    if (!this.isClauseBoundary(t) && t.kind !== 'eof' && !(t.kind === 'keyword' && t.text === 'not')) {
      this.next();
      this.sync((x) => this.isClauseBoundary(x));
      return { kind: 'error', range: { start: t.range.start, end: this.prevEnd() } };
    }
    // nothing consumed: an empty node right after the previous token keeps parents' ranges tight
    const at = this.prevEnd();
    return { kind: 'error', range: { start: at, end: at } };
  }

  private parseCall(): Expr {
    const nameTok = this.next();
    const insensitive = nameTok.kind === 'tildeIdentifier';
    const name = insensitive ? nameTok.text.slice(0, -1) : nameTok.text;
    const nameRange = insensitive ? { start: nameTok.range.start, end: nameTok.range.end - 1 } : own(nameTok.range);
    this.next(); // (
    const args: Expr[] = [];
    if (!this.is(')')) {
      args.push(this.parseExpression());
      while (this.accept(',')) args.push(this.parseExpression());
    }
    this.expectClose(')', `')' to close the call to ${name}`);
    return { kind: 'call', name, nameRange, insensitive, args, range: { start: nameTok.range.start, end: this.prevEnd() } };
  }

  /** One segment of a dotted field name into `path`; false when the token can't be one. */
  private fieldSegment(path: string[]): boolean {
    const t = this.tok;
    if (t.kind === 'identifier') {
      path.push(t.text);
      this.next();
      return true;
    }
    if (t.kind === 'quotedIdentifier') {
      path.push(String(t.value ?? ''));
      this.next();
      return true;
    }
    if (t.kind === 'keyword') {
      // a reserved word as the first segment was reported by the caller
      if (path.length > 0) {
        this.error(t.range, 'EQL010', `'${t.text}' is a reserved word: quote this part of the field name with backticks: \`${t.text}\`.`, [
          { title: 'Quote with backticks', edits: [{ range: t.range, newText: '`' + t.text + '`' }], preferred: true },
        ]);
      }
      path.push(t.text);
      this.next();
      return true;
    }
    return false;
  }

  private parseField(): Expr {
    const start = this.tok.range.start;
    let optional = false;
    if (this.is('?') && this.tok.kind === 'operator') {
      optional = true;
      this.next();
    }
    const path: string[] = [];
    if (!this.fieldSegment(path)) {
      this.unexpected(optional ? "a field name after '?'" : 'a field name');
      return { kind: 'error', range: { start, end: Math.max(start, this.prevEnd()) } };
    }
    for (;;) {
      if (this.tok.kind === 'punctuation' && this.tok.text === '.') {
        this.next();
        if (!this.fieldSegment(path)) {
          this.unexpected("a field name after '.'");
          break;
        }
        continue;
      }
      if (this.is('[') && this.peek().kind === 'number') {
        const open = this.next();
        while (this.tok.kind === 'number') this.next();
        this.accept(']');
        this.error({ start: open.range.start, end: this.prevEnd() }, 'EQL021', 'Array indexes are not supported by Elasticsearch: compare the field itself (any value of an array matches).');
        continue;
      }
      break;
    }
    const range = { start, end: this.prevEnd() };
    const field: FieldRef = { kind: 'field', path, name: path.join('.'), optional, range };
    return field;
  }
}

/** The lexer's tokens without the end marker the parser needed (in place: the array is ours). */
function stripEof(tokens: Token[]): Token[] {
  if (tokens.length > 0 && tokens[tokens.length - 1].kind === 'eof') tokens.pop();
  return tokens;
}

function lexicalFirst(lexErrors: Diagnostic[], parseErrors: Diagnostic[]): Diagnostic[] {
  // A token the lexer already flagged should not get a second, vaguer parser message.
  const flagged = new Set(lexErrors.map((d) => d.range.start));
  const rest = parseErrors.filter((d) => !flagged.has(d.range.start));
  return [...lexErrors, ...rest].sort((a, b) => a.range.start - b.range.start);
}

function internalError(text: string, e: unknown): Diagnostic {
  return {
    range: { start: 0, end: Math.min(text.length, 1) },
    severity: 'error',
    code: 'EQL099',
    message: `Internal parser error (please report): ${e instanceof Error ? e.message : String(e)}`,
  };
}

/** Parses a whole EQL query. Never throws. */
export function parse(text: string): ParseResult {
  const lexed = lex(text);
  try {
    const p = new Parser(text, lexed.tokens);
    const statement = p.parseStatement();
    return { text, statement, errors: lexicalFirst(lexed.errors, p.errors), tokens: stripEof(lexed.tokens), comments: lexed.comments };
  } catch (e) {
    return {
      text,
      statement: { kind: 'statement', range: { start: 0, end: text.length }, query: undefined, pipes: [] },
      errors: [...lexed.errors, internalError(text, e)],
      tokens: stripEof(lexed.tokens),
      comments: lexed.comments,
    };
  }
}

/** Parses a lone expression (as Elasticsearch's `createExpression`): for tests and tools. Never throws. */
export function parseExpression(text: string): ExpressionParseResult {
  const lexed = lex(text);
  try {
    const p = new Parser(text, lexed.tokens);
    const expr = p.parseExpression();
    const rest = p.current();
    if (rest && rest.kind !== 'eof') {
      p.error(rest.range, 'EQL010', `Unexpected '${rest.text.slice(0, 30)}' after the expression.`);
    }
    return { expr, errors: lexicalFirst(lexed.errors, p.errors), tokens: stripEof(lexed.tokens), comments: lexed.comments };
  } catch (e) {
    return { expr: { kind: 'error', range: { start: 0, end: 0 } }, errors: [...lexed.errors, internalError(text, e)], tokens: stripEof(lexed.tokens), comments: lexed.comments };
  }
}

export interface Fragment<N> {
  node: N;
  errors: Diagnostic[];
  tokens: Token[];
  comments: Range[];
}

/**
 * Parses the part [from, to) of `text` as one sequence step or one parenthesized expression, as
 * the whole parse would at that place, `depth` levels of nesting deep. Undefined when the part is
 * not exactly one such node (its brackets no longer match, a token runs past `to`, or it nests too
 * deep): the caller then parses the whole text.
 */
export function parseFragment(text: string, from: number, to: number, kind: 'step' | 'paren', depth: number): Fragment<Step | Expr> | undefined {
  const lexed = lex(text, from, to);
  const toks = lexed.tokens;
  if (toks.length < 2 || toks[toks.length - 2].range.end !== to) return undefined;
  try {
    const p = new Parser(text, toks, depth);
    const node = kind === 'step' ? p.parseStep() : p.parsePrimary();
    if (!p.atEof() || node.kind !== kind || node.range.start !== from || node.range.end !== to) return undefined;
    // Recovery that ran to the end, or an error at `to`, means the parser looked past the fragment
    // (e.g. for a missing ']'), where the whole parse would have seen the following tokens.
    if (p.recoveredToEnd || p.errors.some((e) => e.code === 'EQL019' || e.range.start >= to)) return undefined;
    return { node, errors: lexicalFirst(lexed.errors, p.errors), tokens: stripEof(toks), comments: lexed.comments };
  } catch {
    return undefined;
  }
}

export type { Token, TokenKind } from './lexer';
export type { Literal };
