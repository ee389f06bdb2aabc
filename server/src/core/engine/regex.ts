// Lucene regular expressions (the syntax Elasticsearch's `regexp` query and EQL's `regex` use) and EQL
// wildcard patterns, matched in time linear in the input: the pattern becomes a term of Brzozowski
// derivatives, and compiling it builds the whole DFA (every derivative state, over the character classes
// the state distinguishes). No backtracking, so `(a+)+b` cannot hang, and intersection `&` and complement
// `~` (which ES enables by default, flags=ALL) come for free. Matching is one table lookup per character.
//
// Like Lucene, a pattern whose automaton would need more than MAX_DFA_STATES states (Elasticsearch's
// `max_determinized_states`, default 10,000) is refused at compile time ("too complex to determinize"):
// `a{0,100}{0,100}`, `(a|b)*a(a|b){20}`, `*a?????????????????????`. So the analyzer (check time) and the
// engine (run time) refuse the same patterns, and a pattern that compiles never costs more than one
// step per character of the value. Matching is anchored: the whole value must match.

type Node =
  | { t: 'none'; id: number } // matches nothing
  | { t: 'eps'; id: number } // the empty string
  | { t: 'set'; id: number; ranges: number[]; neg: boolean } // one code point; ranges = [lo, hi, lo, hi...]
  | { t: 'cat'; id: number; a: Node; b: Node }
  | { t: 'alt'; id: number; xs: Node[] }
  | { t: 'and'; id: number; xs: Node[] }
  | { t: 'star'; id: number; a: Node }
  | { t: 'not'; id: number; a: Node };

export class RegexSyntaxError extends Error {
  constructor(
    message: string,
    public readonly offset: number,
    /** The pattern is valid but its automaton is too large (Lucene's TooComplexToDeterminizeException). */
    public readonly tooComplex = false,
  ) {
    super(message);
  }
}

/** Elasticsearch's default `max_determinized_states` for regexp and wildcard queries. */
export const MAX_DFA_STATES = 10_000;
/** Derivative steps one compile may take (a pattern within the state limit needs far fewer). */
const MAX_WORK = 3_000_000;
/** Parentheses / complements nested deeper than this are refused (the parser recurses). */
const MAX_PATTERN_DEPTH = 200;

function tooComplex(what: string): RegexSyntaxError {
  return new RegexSyntaxError(
    `${what} is too complex to determinize (Elasticsearch refuses automata over ${MAX_DFA_STATES.toLocaleString('en-US')} states: too_complex_to_determinize_exception); simplify nested or counted repetition`,
    0,
    true,
  );
}

/** Limits that keep hostile patterns from exhausting memory at compile time. */
const MAX_REPEAT = 1000;
const MAX_NODES = 200_000;
const MAX_NUMERIC_RANGE = 10_000;

class Factory {
  private readonly table = new Map<string, Node>();
  private nextId = 0;
  readonly none: Node;
  readonly eps: Node;
  readonly any: Node;
  readonly anyString: Node;

  private readonly closures = new Map<string, number[]>();

  /** `caseInsensitive`: every set also matches the case variants of its characters. */
  constructor(
    private readonly caseInsensitive = false,
    readonly what = 'the regular expression',
  ) {
    this.none = this.intern('0', (id) => ({ t: 'none', id }));
    this.eps = this.intern('e', (id) => ({ t: 'eps', id }));
    this.any = this.set([0, 0x10ffff], false);
    this.anyString = this.star(this.any);
  }

  get size(): number {
    return this.table.size;
  }

  /** Work spent building and deriving terms; past MAX_WORK the pattern is refused as too complex. */
  work = 0;
  spend(units: number): void {
    this.work += units;
    if (this.work > MAX_WORK) throw tooComplex(this.what);
  }

  private intern(key: string, make: (id: number) => Node): Node {
    this.spend(1);
    let n = this.table.get(key);
    if (!n) {
      if (this.table.size > MAX_NODES) throw tooComplex(this.what);
      n = make(this.nextId++);
      this.table.set(key, n);
    }
    return n;
  }

  set(ranges: number[], neg: boolean): Node {
    if (this.caseInsensitive) {
      const key = ranges.join(',');
      let c = this.closures.get(key);
      if (!c) this.closures.set(key, (c = caseClosure(ranges)));
      ranges = c;
    }
    return this.intern(`s${neg ? '!' : ''}${ranges.join(',')}`, (id) => ({ t: 'set', id, ranges, neg }));
  }

  cat(a: Node, b: Node): Node {
    if (a.t === 'none' || b.t === 'none') return this.none;
    if (a.t === 'eps') return b;
    if (b.t === 'eps') return a;
    if (a.t === 'cat') return this.cat(a.a, this.cat(a.b, b));
    return this.intern(`c${a.id},${b.id}`, (id) => ({ t: 'cat', id, a, b }));
  }

  alt(xs: Node[]): Node {
    this.spend(xs.length);
    const flat = new Map<number, Node>();
    for (const x of xs) {
      if (x.t === 'none') continue;
      if (x.t === 'alt') {
        this.spend(x.xs.length);
        for (const y of x.xs) flat.set(y.id, y);
      }
      else flat.set(x.id, x);
    }
    if (flat.has(this.anyString.id)) return this.anyString;
    const list = [...flat.values()].sort((p, q) => p.id - q.id);
    if (list.length === 0) return this.none;
    if (list.length === 1) return list[0];
    return this.intern(`a${list.map((x) => x.id).join(',')}`, (id) => ({ t: 'alt', id, xs: list }));
  }

  and(xs: Node[]): Node {
    this.spend(xs.length);
    const flat = new Map<number, Node>();
    for (const x of xs) {
      if (x.t === 'none') return this.none;
      if (x === this.anyString) continue;
      if (x.t === 'and') {
        this.spend(x.xs.length);
        for (const y of x.xs) flat.set(y.id, y);
      }
      else flat.set(x.id, x);
    }
    const list = [...flat.values()].sort((p, q) => p.id - q.id);
    if (list.length === 0) return this.anyString;
    if (list.length === 1) return list[0];
    return this.intern(`n${list.map((x) => x.id).join(',')}`, (id) => ({ t: 'and', id, xs: list }));
  }

  star(a: Node): Node {
    if (a.t === 'star') return a;
    if (a.t === 'eps' || a.t === 'none') return this.eps;
    return this.intern(`*${a.id}`, (id) => ({ t: 'star', id, a }));
  }

  not(a: Node): Node {
    if (a.t === 'not') return a.a;
    return this.intern(`~${a.id}`, (id) => ({ t: 'not', id, a }));
  }

  literal(s: string): Node {
    let n = this.eps;
    const cps = [...s].map((c) => c.codePointAt(0) as number);
    for (let i = cps.length - 1; i >= 0; i--) n = this.cat(this.set([cps[i], cps[i]], false), n);
    return n;
  }
}

// ---------------------------------------------------------------------------------------------
// Parser: Lucene RegExp grammar with all optional operators enabled.
//   union := inter ('|' union)?      inter := concat ('&' inter)?     concat := repeat+
//   repeat := compl ('?' | '*' | '+' | '{n}' | '{n,}' | '{n,m}')*     compl := '~' compl | atom
//   atom := char | '.' | '#' | '@' | '"' literal '"' | '(' union? ')' | '[' '^'? class+ ']' | '<' n '-' m '>'

const CLASS_ESCAPES: Record<string, [number[], boolean]> = {
  d: [[0x30, 0x39], false],
  D: [[0x30, 0x39], true],
  s: [[0x09, 0x0d, 0x20, 0x20], false],
  S: [[0x09, 0x0d, 0x20, 0x20], true],
  w: [[0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a], false],
  W: [[0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a], true],
};

class Parser {
  private pos = 0;
  private depth = 0;
  private readonly cps: number[];
  constructor(
    src: string,
    private readonly f: Factory,
  ) {
    this.cps = [...src].map((c) => c.codePointAt(0) as number);
  }

  parse(): Node {
    const n = this.union();
    if (this.pos < this.cps.length) this.fail(`unexpected '${this.ch()}'`);
    return n;
  }

  private fail(msg: string): never {
    throw new RegexSyntaxError(`invalid regular expression at position ${this.pos}: ${msg}`, this.pos);
  }
  private peek(): number {
    return this.pos < this.cps.length ? this.cps[this.pos] : -1;
  }
  private ch(): string {
    return String.fromCodePoint(this.cps[this.pos]);
  }
  private eat(c: string): boolean {
    if (this.peek() === c.codePointAt(0)) {
      this.pos++;
      return true;
    }
    return false;
  }

  private union(): Node {
    const xs = [this.inter()];
    while (this.eat('|')) xs.push(this.inter());
    return this.f.alt(xs);
  }

  private inter(): Node {
    const xs = [this.concat()];
    while (this.eat('&')) xs.push(this.concat());
    return xs.length === 1 ? xs[0] : this.f.and(xs);
  }

  private concat(): Node {
    const parts: Node[] = [];
    for (;;) {
      const c = this.peek();
      // Lucene lets an empty branch stand (e.g. `a|`), meaning the empty string.
      if (c === -1 || c === 0x7c /* | */ || c === 0x26 /* & */ || c === 0x29 /* ) */) break;
      parts.push(this.repeat());
    }
    let n = this.f.eps;
    for (let i = parts.length - 1; i >= 0; i--) n = this.f.cat(parts[i], n);
    return n;
  }

  private repeat(): Node {
    let n = this.compl();
    for (;;) {
      if (this.eat('?')) n = this.f.alt([n, this.f.eps]);
      else if (this.eat('*')) n = this.f.star(n);
      else if (this.eat('+')) n = this.f.cat(n, this.f.star(n));
      else if (this.peek() === 0x7b /* { */) {
        this.pos++;
        const min = this.int();
        let max = min;
        if (this.eat(',')) max = this.peek() === 0x7d ? -1 : this.int();
        if (!this.eat('}')) this.fail("expected '}'");
        if (min > MAX_REPEAT || max > MAX_REPEAT) this.fail(`repetition larger than ${MAX_REPEAT}`);
        if (max !== -1 && max < min) this.fail('repetition maximum smaller than minimum');
        n = this.repeatRange(n, min, max);
      } else break;
    }
    return n;
  }

  private repeatRange(n: Node, min: number, max: number): Node {
    let out = this.f.eps;
    for (let i = 0; i < min; i++) out = this.f.cat(out, n);
    if (max === -1) return this.f.cat(out, this.f.star(n));
    let tail = this.f.eps;
    for (let i = min; i < max; i++) tail = this.f.alt([this.f.eps, this.f.cat(n, tail)]);
    return this.f.cat(out, tail);
  }

  private int(): number {
    const start = this.pos;
    while (this.peek() >= 0x30 && this.peek() <= 0x39) this.pos++;
    if (start === this.pos) this.fail('expected a number');
    return Number(String.fromCodePoint(...this.cps.slice(start, this.pos)));
  }

  private compl(): Node {
    if (this.depth > MAX_PATTERN_DEPTH) this.fail(`nested more than ${MAX_PATTERN_DEPTH} levels deep`);
    this.depth++;
    try {
      if (this.eat('~')) return this.f.not(this.compl());
      return this.atom();
    } finally {
      this.depth--;
    }
  }

  private atom(): Node {
    const c = this.peek();
    if (c === -1) this.fail('unexpected end of pattern');
    switch (String.fromCodePoint(c)) {
      case '.':
        this.pos++;
        return this.f.any;
      case '#':
        this.pos++;
        return this.f.none;
      case '@':
        this.pos++;
        return this.f.anyString;
      case '"': {
        this.pos++;
        const start = this.pos;
        while (this.peek() !== -1 && this.peek() !== 0x22) this.pos++;
        if (!this.eat('"')) this.fail('unterminated "..." string');
        return this.f.literal(String.fromCodePoint(...this.cps.slice(start, this.pos - 1)));
      }
      case '(': {
        this.pos++;
        if (this.eat(')')) return this.f.eps;
        const n = this.union();
        if (!this.eat(')')) this.fail("expected ')'");
        return n;
      }
      case '[':
        return this.charClass();
      case '<':
        return this.numericRange();
      case ')':
      case '*':
      case '+':
      case '?':
      case '{':
        this.fail(`unexpected '${this.ch()}'`);
      // falls through (fail never returns)
      default: {
        const e = this.charExp();
        return typeof e === 'number' ? this.f.set([e, e], false) : this.f.set(e[0], e[1]);
      }
    }
  }

  /** A single character, `\x` escape, or a predefined class (`\d`, `\s`, `\w` and negations). */
  private charExp(): number | [number[], boolean] {
    if (this.peek() === 0x5c /* \ */) {
      this.pos++;
      if (this.peek() === -1) this.fail('pattern ends with a backslash');
      const esc = CLASS_ESCAPES[this.ch()];
      if (esc) {
        this.pos++;
        return esc;
      }
    }
    return this.cps[this.pos++];
  }

  private charClass(): Node {
    this.pos++; // [
    const neg = this.eat('^');
    const ranges: number[] = [];
    const negatedParts: number[][] = [];
    let first = true;
    while (this.peek() !== 0x5d /* ] */ || first) {
      if (this.peek() === -1) this.fail("unterminated '['");
      first = false;
      const lo = this.charExp();
      if (typeof lo !== 'number') {
        if (lo[1]) negatedParts.push(lo[0]);
        else ranges.push(...lo[0]);
        continue;
      }
      if (this.peek() === 0x2d /* - */ && this.cps[this.pos + 1] !== 0x5d && this.pos + 1 < this.cps.length) {
        this.pos++;
        const hi = this.charExp();
        if (typeof hi !== 'number') this.fail('a class escape cannot end a range');
        if (hi < lo) this.fail('range out of order in character class');
        ranges.push(lo, hi);
      } else ranges.push(lo, lo);
    }
    this.pos++; // ]
    let n = this.f.set(normalize(ranges), false);
    if (negatedParts.length) n = this.f.alt([n, ...negatedParts.map((r) => this.f.set(r, true))]);
    if (!neg) return n;
    // [^...]: one character not in the class
    return this.f.and([this.f.any, this.f.not(n)]);
  }

  private numericRange(): Node {
    const open = this.pos;
    this.pos++;
    const a = this.peek() >= 0x30 && this.peek() <= 0x39 ? this.digits() : '';
    if (a === '' || !this.eat('-')) {
      this.pos = open;
      this.fail('named automata <identifier> are not supported; use <min-max> for a numeric range');
    }
    const b = this.digits();
    if (b === '' || !this.eat('>')) this.fail("expected '<min-max>'");
    let lo = Number(a);
    let hi = Number(b);
    if (lo > hi) [lo, hi] = [hi, lo];
    if (hi - lo > MAX_NUMERIC_RANGE) this.fail(`numeric range wider than ${MAX_NUMERIC_RANGE} is not supported`);
    // Lucene: bounds of equal length fix the width (zero-padded); otherwise any number of leading zeros.
    const width = a.length === b.length ? a.length : 0;
    const words: string[] = [];
    for (let i = lo; i <= hi; i++) words.push(width ? String(i).padStart(width, '0') : String(i));
    const trie = this.trie(words);
    return width ? trie : this.f.cat(this.f.star(this.f.set([0x30, 0x30], false)), trie);
  }

  private digits(): string {
    const start = this.pos;
    while (this.peek() >= 0x30 && this.peek() <= 0x39) this.pos++;
    return String.fromCodePoint(...this.cps.slice(start, this.pos));
  }

  /** Alternation of words built as a prefix tree, so derivatives stay small. */
  private trie(words: string[]): Node {
    const byFirst = new Map<string, string[]>();
    let end = false;
    for (const w of words) {
      if (w === '') {
        end = true;
        continue;
      }
      const list = byFirst.get(w[0]) ?? [];
      list.push(w.slice(1));
      byFirst.set(w[0], list);
    }
    const alts: Node[] = end ? [this.f.eps] : [];
    for (const [c, rest] of byFirst) alts.push(this.f.cat(this.f.literal(c), this.trie(rest)));
    return this.f.alt(alts);
  }
}

function normalize(ranges: number[]): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i], ranges[i + 1]]);
  pairs.sort((p, q) => p[0] - q[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n && lo <= out[n - 1] + 1) out[n - 1] = Math.max(out[n - 1], hi);
    else out.push(lo, hi);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Case-insensitive sets

let casePairs: number[] | undefined;

/** [c, v, c, v, ...]: code point c also matches when its lower- or upper-case form v is in a set. */
function caseVariantPairs(): number[] {
  if (casePairs) return casePairs;
  const out: number[] = [];
  for (let c = 0; c <= 0x1ffff; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const s = String.fromCodePoint(c);
    for (const v of [s.toLowerCase(), s.toUpperCase()]) {
      const cp = v.codePointAt(0) as number;
      if (cp !== c && v.length === String.fromCodePoint(cp).length) out.push(c, cp);
    }
  }
  return (casePairs = out);
}

/** The characters that match `ranges` ignoring case: those in it or whose lower/upper form is. */
function caseClosure(ranges: number[]): number[] {
  const pairs = caseVariantPairs();
  const extra: number[] = [];
  for (let i = 0; i < pairs.length; i += 2) {
    if (inRanges(ranges, pairs[i + 1]) && !inRanges(ranges, pairs[i])) extra.push(pairs[i], pairs[i]);
  }
  return extra.length ? normalize([...ranges, ...extra]) : ranges;
}

function inRanges(r: number[], c: number): boolean {
  for (let i = 0; i < r.length; i += 2) if (c >= r[i] && c <= r[i + 1]) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Determinization: every derivative state, each with the cut points of the character classes it
// distinguishes (class k = [cuts[k-1], cuts[k]) ), and its transition per class.

interface DfaState {
  cuts: number[];
  next: Int32Array;
  accept: boolean;
  dead: boolean;
}

class Determinizer {
  private readonly nullableMemo = new Map<number, boolean>();
  private readonly boundsMemo = new Map<number, number[]>();
  private readonly derivMemo = new Map<number, Map<number, Node>>();

  constructor(private readonly f: Factory) {}

  build(root: Node): DfaState[] {
    const index = new Map<number, number>();
    const nodes: Node[] = [];
    const idOf = (n: Node): number => {
      let i = index.get(n.id);
      if (i === undefined) {
        if (nodes.length >= MAX_DFA_STATES) throw tooComplex(this.f.what);
        i = nodes.length;
        index.set(n.id, i);
        nodes.push(n);
      }
      return i;
    };
    idOf(root);
    const states: DfaState[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      const dead = n.t === 'none';
      const cuts = dead ? [] : this.bounds(n);
      const next = new Int32Array(cuts.length + 1);
      if (dead) next[0] = i;
      else for (let k = 0; k <= cuts.length; k++) next[k] = idOf(this.deriv(n, k === 0 ? 0 : cuts[k - 1]));
      states.push({ cuts, next, accept: this.nullable(n), dead });
    }
    return states;
  }

  private tick(): void {
    this.f.spend(1);
  }

  private nullable(n: Node): boolean {
    const memo = this.nullableMemo.get(n.id);
    if (memo !== undefined) return memo;
    let r: boolean;
    switch (n.t) {
      case 'none':
      case 'set':
        r = false;
        break;
      case 'eps':
      case 'star':
        r = true;
        break;
      case 'cat':
        r = this.nullable(n.a) && this.nullable(n.b);
        break;
      case 'alt':
        r = n.xs.some((x) => this.nullable(x));
        break;
      case 'and':
        r = n.xs.every((x) => this.nullable(x));
        break;
      case 'not':
        r = !this.nullable(n.a);
        break;
    }
    this.nullableMemo.set(n.id, r);
    return r;
  }

  /** Sorted cut points: characters on either side of one are treated alike by every set that can match first. */
  private bounds(n: Node): number[] {
    const memo = this.boundsMemo.get(n.id);
    if (memo) return memo;
    this.tick();
    let r: number[];
    switch (n.t) {
      case 'none':
      case 'eps':
        r = [];
        break;
      case 'set': {
        const out: number[] = [];
        for (let i = 0; i < n.ranges.length; i += 2) out.push(n.ranges[i], n.ranges[i + 1] + 1);
        r = mergeCuts([out]);
        break;
      }
      case 'cat':
        r = this.nullable(n.a) ? mergeCuts([this.bounds(n.a), this.bounds(n.b)]) : this.bounds(n.a);
        break;
      case 'alt':
      case 'and':
        r = mergeCuts(n.xs.map((x) => this.bounds(x)));
        break;
      case 'star':
      case 'not':
        r = this.bounds(n.a);
        break;
    }
    this.boundsMemo.set(n.id, r);
    return r;
  }

  private deriv(n: Node, c: number): Node {
    let m = this.derivMemo.get(n.id);
    const hit = m?.get(c);
    if (hit) return hit;
    this.tick();
    const f = this.f;
    let d: Node;
    switch (n.t) {
      case 'none':
      case 'eps':
        d = f.none;
        break;
      case 'set':
        d = inRanges(n.ranges, c) !== n.neg ? f.eps : f.none;
        break;
      case 'cat': {
        const left = f.cat(this.deriv(n.a, c), n.b);
        d = this.nullable(n.a) ? f.alt([left, this.deriv(n.b, c)]) : left;
        break;
      }
      case 'alt':
        d = f.alt(n.xs.map((x) => this.deriv(x, c)));
        break;
      case 'and':
        d = f.and(n.xs.map((x) => this.deriv(x, c)));
        break;
      case 'star':
        d = f.cat(this.deriv(n.a, c), n);
        break;
      case 'not':
        d = f.not(this.deriv(n.a, c));
        break;
    }
    if (!m) this.derivMemo.set(n.id, (m = new Map()));
    m.set(c, d);
    return d;
  }
}

function mergeCuts(lists: number[][]): number[] {
  if (lists.length === 1) return lists[0];
  const all = new Set<number>();
  for (const l of lists) for (const x of l) all.add(x);
  return [...all].sort((a, b) => a - b);
}

/** Index of the class of `c`: how many cut points are <= c. */
function classOf(cuts: number[], c: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid] <= c) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Automata up to this many states also get a direct table for ASCII (128 entries per state). */
const ASCII_TABLE_STATES = 1024;

/** A compiled pattern: a complete DFA, matched anchored over the whole value. */
export class Automaton {
  /** ascii[state * 128 + c]: the next state for an ASCII character (small automata only). */
  private readonly ascii: Int32Array | undefined;

  constructor(private readonly states: DfaState[]) {
    if (states.length <= ASCII_TABLE_STATES) {
      const t = new Int32Array(states.length * 128);
      states.forEach((st, i) => {
        for (let c = 0; c < 128; c++) t[i * 128 + c] = st.next[st.cuts.length === 0 ? 0 : classOf(st.cuts, c)];
      });
      this.ascii = t;
    }
  }

  /** States of the automaton (at most MAX_DFA_STATES). */
  get size(): number {
    return this.states.length;
  }

  test(input: string): boolean {
    const states = this.states;
    const ascii = this.ascii;
    if (ascii) {
      let k = 0;
      let i = 0;
      for (; i < input.length; i++) {
        const c = input.charCodeAt(i);
        if (c >= 128) break;
        k = ascii[k * 128 + c];
        if (states[k].dead) return false;
      }
      if (i === input.length) return states[k].accept;
      return this.walk(input, i, k);
    }
    return this.walk(input, 0, 0);
  }

  /** The general walk from position `from` in state `state`. */
  private walk(input: string, from: number, state: number): boolean {
    const states = this.states;
    let s = states[state];
    for (let i = from; i < input.length; i++) {
      if (s.dead) return false;
      let c = input.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < input.length) {
        const d = input.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
          i++;
        }
      }
      s = states[s.next[s.cuts.length === 0 ? 0 : classOf(s.cuts, c)]];
    }
    return s.accept;
  }
}

export class LuceneRegex extends Automaton {
  constructor(
    readonly source: string,
    readonly caseInsensitive: boolean,
  ) {
    const f = new Factory(caseInsensitive);
    const root = new Parser(source, f).parse();
    super(new Determinizer(f).build(root));
    this.work = f.work;
  }
  /** Work units the compile took (for tests and tuning). */
  readonly work: number;
}

/** Most recent compiles (pattern -> automaton or the error), shared by the analyzer and the engine. */
const cache = new Map<string, Automaton | RegexSyntaxError>();
const CACHE_SIZE = 256;

function cached(key: string, make: () => Automaton): Automaton {
  let hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
  } else {
    try {
      hit = make();
    } catch (err) {
      hit = err instanceof RegexSyntaxError ? err : new RegexSyntaxError(`invalid regular expression: ${(err as Error).message}`, 0);
    }
    cache.set(key, hit);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  }
  if (hit instanceof RegexSyntaxError) throw hit;
  return hit;
}

/** Compiles a Lucene regular expression; throws RegexSyntaxError with a position on bad syntax, or `tooComplex`. */
export function compileLuceneRegex(pattern: string, caseInsensitive = false): Automaton {
  return cached(`r${caseInsensitive ? 'i' : 's'}${pattern}`, () => new LuceneRegex(pattern, caseInsensitive));
}

/**
 * The automaton of an EQL wildcard pattern (`*` any run, `?` one character, everything else literal),
 * case-sensitive: callers comparing case-insensitively lower both sides. Throws `tooComplex`.
 */
export function compileWildcardAutomaton(pattern: string): Automaton {
  return cached(`w${pattern}`, () => {
    const f = new Factory(false, 'the wildcard pattern');
    let n = f.eps;
    const cps = [...pattern];
    for (let i = cps.length - 1; i >= 0; i--) {
      const ch = cps[i];
      const cp = ch.codePointAt(0) as number;
      n = f.cat(ch === '*' ? f.anyString : ch === '?' ? f.any : f.set([cp, cp], false), n);
    }
    return new Automaton(new Determinizer(f).build(n));
  });
}
