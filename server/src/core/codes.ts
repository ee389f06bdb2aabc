// THE registry of diagnostic codes: every code the parser, analyzer, field checks, engine, rule-file
// checks and rule tests emit, with its one-line meaning. `Diagnostic.code` is typed by it (a code
// not listed here does not compile), README's table is printed from it (scripts/print-codes.ts),
// and the emitters' tests check they emit exactly their group. Codes are stable: a code is never
// reused for another meaning. Groups: EQL0xx syntax, EQL1xx verifier, EQL2xx fields and types,
// EQL5xx engine, RULE3xx rule files, TEST4xx rule tests.

/** The parser (EQL0xx) and the analyzer (EQL1xx, EQL2xx but the field checks'). */
export const PARSER_ANALYZER_CODES = {
  EQL001: 'Unexpected character',
  EQL002: 'Unterminated string or raw string',
  EQL003: 'Invalid escape sequence in a string (incl. bad \\u{...})',
  EQL004: "Single-quoted string: use double quotes (fix)",
  EQL005: 'Old raw string ?"..." / ?\'...\': use """...""" (fix)',
  EQL006: 'Unterminated backtick-quoted field name',
  EQL007: 'Unterminated /* comment',
  EQL010: 'Syntax error: unexpected token (reserved word as a field name, mis-cased keyword and quoted category have fixes)',
  EQL011: "Missing 'where' after the event category",
  EQL012: "Missing closing ']' or ')'",
  EQL013: "'==' where '=' is required (maxspan=, runs=) (fix)",
  EQL014: "'=' used to compare: use '==' (fix)",
  EQL015: 'Empty query',
  EQL016: 'Chained comparison (a < b < c)',
  EQL017: "Sequence 'by' written after 'with maxspan', or maxspan on a step",
  EQL018: "'with maxspan' on a sample or join (fix: remove)",
  EQL019: 'Expression nested too deeply',
  EQL020: "Process relationships (descendant of / child of / event of) are not supported",
  EQL021: 'Array index (field[0]) is not supported',
  EQL022: "Pattern after ':' / like / regex is not a literal",
  EQL023: "'!:' is not an operator: use not x : ... (fix)",
  EQL024: "Endgame's sequence 'fork' option is not supported (fix: remove)",
  EQL099: 'Internal parser error',
  EQL101: 'Unknown function (fix: closest name)',
  EQL102: 'Endgame-only function, not supported by Elasticsearch',
  EQL103: 'Wrong number of function arguments',
  EQL104: "'~' on a function without a case-insensitive form (fix: remove)",
  EQL105: 'Function or operator argument of the wrong type',
  EQL106: 'Function argument must be a literal',
  EQL107: 'Invalid CIDR block in cidrMatch',
  EQL108: 'Invalid regular expression (Lucene syntax)',
  EQL109: 'Regular expression or wildcard pattern too complex to determinize (Elasticsearch refuses it; nested or counted repetition)',
  EQL110: "Warning: '=='/'!=' against a wildcard pattern ('*' is literal); use ':' or like (fix)",
  EQL111: 'Field compared with a field',
  EQL112: "Non-string pattern or value for ':' / like / regex",
  EQL113: 'Condition (or and/or/not operand) is not boolean',
  EQL120: 'Sequence or sample with fewer than two steps',
  EQL121: "Steps have different numbers of 'by' keys",
  EQL122: 'Missing-event step ![...] without with maxspan (fix)',
  EQL123: 'Sequence with only missing-event steps, or a missing-event until',
  EQL124: 'maxspan without a time unit (fix)',
  EQL125: 'maxspan with an unknown unit, a fraction or a non-positive value',
  EQL126: "Unknown step option (only 'with runs=N')",
  EQL127: 'runs outside 1..100',
  EQL128: "'until' in a sample",
  EQL129: 'runs or a missing-event step in a sample (fix: remove)',
  EQL130: "'join' is not supported: use sequence or sample",
  EQL131: 'Unknown pipe (fix: closest / lower-case)',
  EQL132: 'Endgame-only pipe (count, unique, filter, sort, ...)',
  EQL133: 'Bad pipe argument (head/tail need exactly one positive integer)',
  EQL134: 'Warning: pipe on a sample (documented for event and sequence queries only)',
  EQL141: 'Join key is not a field',
  EQL199: 'Internal analyzer error',
  EQL202: 'Field type and literal type differ (fix: quote / unquote)',
  EQL203: 'ip field compared with a CIDR string or a list of strings: use cidrMatch (fix)',
  EQL204: 'text field used where an exact (keyword) value is needed',
  EQL205: 'Non-boolean field used as a condition',
  EQL206: 'Field of the wrong type as a function or arithmetic argument',
  EQL207: 'Join keys of different types across steps',
  EQL208: 'Field of a type EQL cannot query (alias, geo, range, nested, ...)',
  EQL210: "':' / like / regex on a non-string field",
} as const;

/** The service's field checks (service/fieldDiagnostics.ts). */
export const FIELD_CHECK_CODES = {
  EQL201: 'Unknown field for the active schemas (warning; fixes: the closest names, make it `?optional`)',
  EQL209: 'No sample event has this field, so the preview cannot match it (information)',
} as const;

/** The engine, when it cannot run a query. */
export const ENGINE_CODES = {
  EQL500: 'The engine cannot run this query',
  EQL501: 'The engine cannot evaluate this expression',
  EQL502: 'Invalid regular expression (Lucene syntax) or wildcard pattern',
  EQL503: 'The engine has no such function',
  EQL504: 'Wrong number of function arguments (engine)',
  EQL505: 'Function has no case-insensitive ~ form (engine)',
} as const;

/** Rule-file checks (core/rules/checks.ts). */
export const RULE_CODES = {
  RULE300: 'The rule file is not valid TOML / JSON',
  RULE301: 'A required key is missing',
  RULE302: 'A value has the wrong type or is not one of the allowed values',
  RULE303: 'rule_id is not a UUID',
  RULE304: 'rule_id is used by another rule in the workspace',
  RULE305: 'type and language must both be "eql"',
  RULE306: 'severity and risk_score disagree (low 21, medium 47, high 73, critical 99)',
  RULE307: 'index (or data_view_id, not both) is required',
  RULE308: 'timestamp_override / event_category_override / tiebreaker_field names an unknown field',
  RULE309: 'from is not date math like now-6m',
  RULE310: 'interval is not like 5m',
  RULE311: 'the look-back window (from) is shorter than the sequence maxspan',
  RULE312: 'the interval is less than half the sequence maxspan',
  RULE313: 'a date is not YYYY/MM/DD',
  RULE314: 'updated_date is before creation_date',
  RULE315: 'threat entry: framework must be "MITRE ATT&CK" and a tactic is required',
  RULE316: 'unknown ATT&CK tactic or technique id',
  RULE317: 'ATT&CK name does not match the id',
  RULE318: 'ATT&CK reference URL does not match the id',
  RULE319: 'technique is not listed under this tactic in ATT&CK',
  RULE320: 'sub-technique is not under its parent technique',
  RULE321: 'deprecated ATT&CK technique id (moved or merged)',
  RULE322: 'tag without a known prefix',
  RULE323: 'unknown key',
  RULE324: 'the query is empty',
  RULE325: 'Tactic: tags and the threat mapping disagree (the first tactic must be a tag; tagged tactics must be mapped)',
} as const;

/** Rule tests (core/ruletests). */
export const RULE_TEST_CODES = {
  TEST401: 'A rule-test line is not one JSON object',
  TEST402: 'A rule-test line\'s "expect" is not "match" or "no-match"',
  TEST403: 'A rule-test line\'s "event" is not one event',
  TEST404: 'A rule-test line has an unknown key or a bad value',
  TEST405: 'A rule-test group mixes match and no-match',
  TEST406: 'A rule-test file has no rule file beside it',
} as const;

export const DIAGNOSTIC_CODES = { ...PARSER_ANALYZER_CODES, ...FIELD_CHECK_CODES, ...ENGINE_CODES, ...RULE_CODES, ...RULE_TEST_CODES } as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
export type RuleCode = keyof typeof RULE_CODES;

export function isDiagnosticCode(code: string): code is DiagnosticCode {
  return Object.prototype.hasOwnProperty.call(DIAGNOSTIC_CODES, code);
}
