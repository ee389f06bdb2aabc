// What both of the analyzer's passes share: the query text and one list of findings.
import type { Range } from '../syntax/ast';
import type { Diagnostic, Fix, Severity } from '../diagnostic';
import type { DiagnosticCode } from '../codes';

export class Checks {
  constructor(
    protected readonly text: string,
    /** One list for both passes (the analyzer sorts it by position at the end). */
    readonly out: Diagnostic[],
  ) {}

  report(range: Range, code: DiagnosticCode, message: string, fixes?: Fix[], severity: Severity = 'error'): void {
    const d: Diagnostic = { range: { start: range.start, end: range.end }, severity, code, message };
    if (fixes && fixes.length > 0) d.fixes = fixes;
    this.out.push(d);
  }

  protected src(r: Range): string {
    return this.text.slice(r.start, r.end);
  }
}

/** `1st`, `2nd`, ... (argument positions in messages). */
export function ordinal(n: number): string {
  return n === 1 ? '1st' : n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`;
}
