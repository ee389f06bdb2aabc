// The parser's and analyzer's codes: a view of the one registry (core/codes.ts).
export { PARSER_ANALYZER_CODES } from '../codes';
