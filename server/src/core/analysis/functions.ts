// The one table of EQL functions Elasticsearch knows. The analyzer checks calls against it,
// the engine evaluates by its names, and completion / hover / signature help show its docs,
// so everything a user sees about a function comes from here.

/** What an argument must be. `integer` accepts only whole numbers; `ip` an ip field (or ip value). */
export type ParamType = 'string' | 'number' | 'integer' | 'boolean' | 'ip' | 'any';

export interface FunctionParam {
  name: string;
  type: ParamType;
  /** May be left out (only trailing parameters are optional). */
  optional?: boolean;
  /** Repeats: the last parameter may be given one or more times (zero times when also optional). */
  variadic?: boolean;
  /** Must be a literal (Elasticsearch does not accept a field here). */
  literal?: boolean;
  doc: string;
}

export interface FunctionInfo {
  /** Canonical spelling, as Elasticsearch documents it. */
  name: string;
  params: FunctionParam[];
  /** A `name~(...)` case-insensitive form exists. */
  caseInsensitive: boolean;
  returns: 'string' | 'number' | 'integer' | 'boolean';
  /** One line, for completion lists. */
  summary: string;
  /** A few sentences, for hover. */
  doc: string;
  /** What happens with null arguments. */
  nulls: string;
  /** Example calls with their results, e.g. `add(4, 5) -> 9`. */
  examples: string[];
  minArgs: number;
  /** Infinity when the last parameter is variadic. */
  maxArgs: number;
}

type FunctionSpec = Omit<FunctionInfo, 'minArgs' | 'maxArgs'>;

function define(spec: FunctionSpec): FunctionInfo {
  let min = 0;
  let max = 0;
  for (const p of spec.params) {
    if (!p.optional) min++;
    max = p.variadic ? Infinity : max + 1;
  }
  return { ...spec, minArgs: min, maxArgs: max };
}

const NULL_ANY = 'Returns null when any argument is null.';

export const FUNCTIONS: readonly FunctionInfo[] = [
  define({
    name: 'add',
    params: [
      { name: 'addend', type: 'number', doc: 'A number or numeric field.' },
      { name: 'addend2', type: 'number', doc: 'A number or numeric field.' },
    ],
    caseInsensitive: false,
    returns: 'number',
    summary: 'Sum of two numbers.',
    doc: 'Adds the second number to the first. Integer inputs give an integer; a decimal input gives a decimal.',
    nulls: NULL_ANY,
    examples: ['add(4, 5) -> 9', 'add(process.pid, 1)'],
  }),
  define({
    name: 'between',
    params: [
      { name: 'source', type: 'string', doc: 'The text to search in.' },
      { name: 'left', type: 'string', doc: 'The text just before the part to extract.' },
      { name: 'right', type: 'string', doc: 'The text just after the part to extract.' },
      {
        name: 'greedy',
        type: 'boolean',
        optional: true,
        literal: true,
        doc: 'false (default): stop at the first `right` after `left`; true: stop at the last one.',
      },
    ],
    caseInsensitive: true,
    returns: 'string',
    summary: 'The part of a string between two delimiters.',
    doc:
      'Finds the first occurrence of `left` in `source` and returns what follows it up to the next `right` ' +
      '(or up to the last `right` when `greedy` is true). Returns an empty string when a delimiter is not found. ' +
      '`between~` compares the delimiters ignoring case.',
    nulls: 'Returns null when `source` is null.',
    examples: ['between("C:\\\\Windows\\\\System32\\\\cmd.exe", "\\\\", "\\\\", true) -> "Windows\\\\System32"'],
  }),
  define({
    name: 'cidrMatch',
    params: [
      { name: 'ip', type: 'ip', doc: 'An IP address field (IPv4 or IPv6).' },
      { name: 'block', type: 'string', variadic: true, literal: true, doc: 'One or more CIDR blocks, e.g. "10.0.0.0/8".' },
    ],
    caseInsensitive: false,
    returns: 'boolean',
    summary: 'True when an IP address falls in one of the given CIDR blocks.',
    doc:
      'Tests an IP field against one or more CIDR blocks such as "10.0.0.0/8" or "fe80::/10". Use it instead of ' +
      'comparing an ip field with strings: Elasticsearch rejects `==` or `in` between an ip field and a CIDR string.',
    nulls: 'Returns null when the IP address is null.',
    examples: ['cidrMatch(source.ip, "10.0.0.0/8", "192.168.0.0/16")'],
  }),
  define({
    name: 'concat',
    params: [{ name: 'value', type: 'any', variadic: true, doc: 'Values to join; numbers and booleans are turned into text.' }],
    caseInsensitive: false,
    returns: 'string',
    summary: 'Joins the text forms of its arguments.',
    doc: 'Converts each argument to text and joins them without a separator.',
    nulls: NULL_ANY,
    examples: ['concat("process", " ", 42) -> "process 42"'],
  }),
  define({
    name: 'divide',
    params: [
      { name: 'dividend', type: 'number', doc: 'The number to divide.' },
      { name: 'divisor', type: 'number', doc: 'The number to divide by; must not be zero.' },
    ],
    caseInsensitive: false,
    returns: 'number',
    summary: 'Quotient of two numbers (integer division truncates).',
    doc: 'Divides the first number by the second. When both are integers the result is an integer, rounded toward zero.',
    nulls: NULL_ANY,
    examples: ['divide(10, 4) -> 2', 'divide(10.0, 4) -> 2.5'],
  }),
  define({
    name: 'endsWith',
    params: [
      { name: 'source', type: 'string', doc: 'The text to test.' },
      { name: 'substring', type: 'string', doc: 'The ending to look for.' },
    ],
    caseInsensitive: true,
    returns: 'boolean',
    summary: 'True when a string ends with another.',
    doc: 'Tests whether `source` ends with `substring`; case-sensitive unless called as `endsWith~`.',
    nulls: NULL_ANY,
    examples: ['endsWith("regsvr32.exe", ".exe") -> true', 'endsWith~(process.name, ".EXE")'],
  }),
  define({
    name: 'indexOf',
    params: [
      { name: 'source', type: 'string', doc: 'The text to search in.' },
      { name: 'substring', type: 'string', doc: 'The text to find.' },
      { name: 'start', type: 'integer', optional: true, doc: 'Position to start searching from (default 0).' },
    ],
    caseInsensitive: true,
    returns: 'integer',
    summary: 'Position of the first occurrence of a substring.',
    doc:
      'Returns the zero-based position of the first occurrence of `substring` in `source` at or after `start`. ' +
      'Returns null when it is not found. A negative start counts as 0.',
    nulls: 'Returns null when `source` or `substring` is null, or when the substring is not found.',
    examples: ['indexOf("a.b.c", ".") -> 1', 'indexOf("a.b.c", ".", 2) -> 3'],
  }),
  define({
    name: 'length',
    params: [{ name: 'source', type: 'string', doc: 'The text to measure.' }],
    caseInsensitive: false,
    returns: 'integer',
    summary: 'Number of characters in a string.',
    doc: 'Returns the number of characters of a string, spaces included.',
    nulls: NULL_ANY,
    examples: ['length("explorer.exe") -> 12'],
  }),
  define({
    name: 'modulo',
    params: [
      { name: 'dividend', type: 'number', doc: 'The number to divide.' },
      { name: 'divisor', type: 'number', doc: 'The number to divide by.' },
    ],
    caseInsensitive: false,
    returns: 'number',
    summary: 'Remainder of a division.',
    doc: 'Returns the remainder of dividing the first number by the second; its sign follows the dividend.',
    nulls: NULL_ANY,
    examples: ['modulo(10, 6) -> 4', 'modulo(-10, 6) -> -4'],
  }),
  define({
    name: 'multiply',
    params: [
      { name: 'factor', type: 'number', doc: 'A number or numeric field.' },
      { name: 'factor2', type: 'number', doc: 'A number or numeric field.' },
    ],
    caseInsensitive: false,
    returns: 'number',
    summary: 'Product of two numbers.',
    doc: 'Multiplies two numbers.',
    nulls: NULL_ANY,
    examples: ['multiply(2, 21) -> 42'],
  }),
  define({
    name: 'number',
    params: [
      { name: 'string', type: 'string', doc: 'Text holding a number, e.g. "42", "-1.5", "0x1F".' },
      {
        name: 'base',
        type: 'integer',
        optional: true,
        literal: true,
        doc: 'The radix (default 10; a "0x" prefix means 16). Must be a literal.',
      },
    ],
    caseInsensitive: false,
    returns: 'number',
    summary: 'Parses a string as a number.',
    doc:
      'Converts text to an integer or decimal. Leading and trailing spaces and a sign are allowed; "0x" switches ' +
      'to base 16. The base must be written as a number, not a field.',
    nulls: 'Returns null when the string is null.',
    examples: ['number("1337") -> 1337', 'number("0x1F") -> 31', 'number("ff", 16) -> 255'],
  }),
  define({
    name: 'startsWith',
    params: [
      { name: 'source', type: 'string', doc: 'The text to test.' },
      { name: 'prefix', type: 'string', doc: 'The beginning to look for.' },
    ],
    caseInsensitive: true,
    returns: 'boolean',
    summary: 'True when a string starts with another.',
    doc: 'Tests whether `source` begins with `prefix`; case-sensitive unless called as `startsWith~`.',
    nulls: NULL_ANY,
    examples: ['startsWith("regsvr32.exe", "regsvr") -> true', 'startsWith~(process.name, "REG")'],
  }),
  define({
    name: 'string',
    params: [{ name: 'value', type: 'any', doc: 'Any value.' }],
    caseInsensitive: false,
    returns: 'string',
    summary: 'The text form of a value.',
    doc: 'Converts a number, boolean or string to its text form.',
    nulls: NULL_ANY,
    examples: ['string(42) -> "42"', 'string(true) -> "true"'],
  }),
  define({
    name: 'stringContains',
    params: [
      { name: 'source', type: 'string', doc: 'The text to search in.' },
      { name: 'substring', type: 'string', doc: 'The text to look for.' },
    ],
    caseInsensitive: true,
    returns: 'boolean',
    summary: 'True when a string contains another.',
    doc:
      'Tests whether `substring` occurs anywhere in `source`; case-sensitive unless called as `stringContains~`. ' +
      'An empty substring gives false.',
    nulls: NULL_ANY,
    examples: ['stringContains("some text", "text") -> true'],
  }),
  define({
    name: 'substring',
    params: [
      { name: 'source', type: 'string', doc: 'The text to cut.' },
      { name: 'start', type: 'integer', doc: 'First position, zero-based; negative counts from the end.' },
      {
        name: 'end',
        type: 'integer',
        optional: true,
        doc: 'Position after the last character (exclusive); negative counts from the end. Default: the end.',
      },
    ],
    caseInsensitive: false,
    returns: 'string',
    summary: 'Part of a string by position.',
    doc:
      'Returns the characters from `start` up to (not including) `end`, like a Python slice: negative positions ' +
      'count from the end and an empty string comes back when start is not before end.',
    nulls: 'Returns null when `source` is null.',
    examples: ['substring("start regsvr32.exe", 6) -> "regsvr32.exe"', 'substring("start regsvr32.exe", -4, -1) -> ".ex"'],
  }),
  define({
    name: 'subtract',
    params: [
      { name: 'minuend', type: 'number', doc: 'The number to subtract from.' },
      { name: 'subtrahend', type: 'number', doc: 'The number to subtract.' },
    ],
    caseInsensitive: false,
    returns: 'number',
    summary: 'Difference of two numbers.',
    doc: 'Subtracts the second number from the first.',
    nulls: NULL_ANY,
    examples: ['subtract(10, 2) -> 8'],
  }),
];

/** Functions of the older Python (endgame) engine that Elasticsearch does not have. */
export const ENDGAME_ONLY_FUNCTIONS: readonly string[] = [
  'arrayContains',
  'arrayCount',
  'arraySearch',
  'match',
  'matchLite',
  'safe',
  'wildcard',
];

const byLowerName = new Map<string, FunctionInfo>(FUNCTIONS.map((f) => [f.name.toLowerCase(), f]));
const endgameByLowerName = new Map<string, string>(ENDGAME_ONLY_FUNCTIONS.map((n) => [n.toLowerCase(), n]));

/** The function named `name` (any case, with or without a trailing `~`), or undefined. */
export function lookupFunction(name: string): FunctionInfo | undefined {
  const key = (name.endsWith('~') ? name.slice(0, -1) : name).toLowerCase();
  return byLowerName.get(key);
}

/** The canonical name when `name` is an endgame-only function, else undefined. */
export function lookupEndgameFunction(name: string): string | undefined {
  const key = (name.endsWith('~') ? name.slice(0, -1) : name).toLowerCase();
  return endgameByLowerName.get(key);
}

/** `startsWith(source, prefix)`, optional parameters in brackets, variadic ones with `...`. */
export function signatureOf(f: FunctionInfo): string {
  const parts = f.params.map((p) => {
    const base = p.variadic ? `${p.name}, ...` : p.name;
    return p.optional ? `[${base}]` : base;
  });
  return `${f.name}(${parts.join(', ')})`;
}

/** Describes the accepted argument count for messages: "2", "2 or 3", "at least 1". */
export function arityText(f: FunctionInfo): string {
  if (f.maxArgs === Infinity) return `at least ${f.minArgs}`;
  if (f.minArgs === f.maxArgs) return String(f.minArgs);
  if (f.maxArgs === f.minArgs + 1) return `${f.minArgs} or ${f.maxArgs}`;
  return `${f.minArgs} to ${f.maxArgs}`;
}
