// The EQL syntax tree. Every node carries its source range as UTF-16 offsets into the
// query text (end exclusive), so the service layer can map to any host document.

export interface Range {
  start: number;
  end: number;
}

interface NodeBase {
  range: Range;
}

/** A whole query: one event/sequence/sample query followed by pipes. */
export interface Statement extends NodeBase {
  kind: 'statement';
  /** undefined only when the text has no query at all (empty or unparseable start). */
  query: Query | undefined;
  pipes: Pipe[];
}

export type Query = EventQuery | SequenceQuery | SampleQuery | JoinQuery;

/** `process where ...` — the category and condition of a single event. */
export interface EventFilter extends NodeBase {
  kind: 'filter';
  category: Category;
  condition: Expr;
}

export interface Category extends NodeBase {
  kind: 'category';
  /** The category as it matches event.category; '' for `any`. */
  name: string;
  any: boolean;
  /** Written as a string ("my-category" or """raw""") rather than an identifier. */
  quoted: boolean;
}

export interface EventQuery extends NodeBase {
  kind: 'event';
  filter: EventFilter;
}

export interface SequenceQuery extends NodeBase {
  kind: 'sequence';
  /** Keys from `sequence by ...`, applied to every step before the step's own keys. */
  by: Expr[];
  maxspan: TimeSpan | undefined;
  steps: Step[];
  until: Step | undefined;
}

export interface SampleQuery extends NodeBase {
  kind: 'sample';
  by: Expr[];
  steps: Step[];
  /** Not valid for samples; kept so the analyzer can point at it. */
  until?: Step;
}

/** Endgame's `join` — parsed so the analyzer can say Elasticsearch does not support it. */
export interface JoinQuery extends NodeBase {
  kind: 'join';
  by: Expr[];
  steps: Step[];
  until?: Step;
}

/** One `[filter] by keys with runs=N` term of a sequence, sample or until; `![...]` when missing. */
export interface Step extends NodeBase {
  kind: 'step';
  missing: boolean;
  filter: EventFilter;
  by: Expr[];
  runs: NumberParam | undefined;
}

/** `with runs=N` of a step; its range covers the whole clause from `with`. */
export interface NumberParam extends NodeBase {
  kind: 'param';
  name: string;
  value: number | undefined;
}

/** The value of `with maxspan=...`; its range covers the value only (`5m`). */
export interface TimeSpan extends NodeBase {
  kind: 'timespan';
  /** The literal as written, e.g. `5m`. */
  text: string;
  value: number | undefined;
  unit: string;
  /** Milliseconds, undefined when the unit is unknown or missing. */
  ms: number | undefined;
}

export interface Pipe extends NodeBase {
  kind: 'pipe';
  name: string;
  nameRange: Range;
  args: Expr[];
}

export type Expr =
  | Literal
  | FieldRef
  | Not
  | Logical
  | Comparison
  | Arithmetic
  | Unary
  | InExpr
  | MatchExpr
  | Call
  | Paren
  | ErrorExpr;

export interface Literal extends NodeBase {
  kind: 'literal';
  type: 'string' | 'integer' | 'float' | 'boolean' | 'null';
  value: string | number | boolean | null;
  /** `"""raw"""` string. */
  raw?: boolean;
}

export interface FieldRef extends NodeBase {
  kind: 'field';
  /** Segments with backticks removed: `a`.`b-c` -> ['a', 'b-c']. */
  path: string[];
  /** path.join('.') */
  name: string;
  /** Written as `?field`. */
  optional: boolean;
}

export interface Not extends NodeBase {
  kind: 'not';
  operand: Expr;
}

export interface Logical extends NodeBase {
  kind: 'logical';
  op: 'and' | 'or';
  left: Expr;
  right: Expr;
}

export type ComparisonOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export interface Comparison extends NodeBase {
  kind: 'comparison';
  op: ComparisonOp;
  opRange: Range;
  left: Expr;
  right: Expr;
}

export interface Arithmetic extends NodeBase {
  kind: 'arithmetic';
  op: '+' | '-' | '*' | '/' | '%';
  left: Expr;
  right: Expr;
}

export interface Unary extends NodeBase {
  kind: 'unary';
  op: '-' | '+';
  operand: Expr;
}

/** `x in (...)`, `x not in~ (...)`. */
export interface InExpr extends NodeBase {
  kind: 'in';
  negated: boolean;
  insensitive: boolean;
  opRange: Range;
  value: Expr;
  list: Expr[];
}

/** `x : "a*"`, `x like~ ("a", "b")`, `x regex "..."`. `:` is always case-insensitive. */
export interface MatchExpr extends NodeBase {
  kind: 'match';
  op: ':' | 'like' | 'regex';
  insensitive: boolean;
  opRange: Range;
  value: Expr;
  patterns: Expr[];
}

export interface Call extends NodeBase {
  kind: 'call';
  /** As written, without the `~`. Look up case-insensitively. */
  name: string;
  nameRange: Range;
  insensitive: boolean;
  args: Expr[];
}

export interface Paren extends NodeBase {
  kind: 'paren';
  expr: Expr;
}

/** Stands where an expression was expected but could not be parsed. */
export interface ErrorExpr extends NodeBase {
  kind: 'error';
}
