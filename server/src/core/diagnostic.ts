// Diagnostics as the core reports them: offsets into the text that was checked. The
// service layer turns them into LSP diagnostics; the CLI into file:line:column.
import type { Range } from './syntax/ast';
import type { DiagnosticCode } from './codes';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix to apply when the user asks for "fix all" / the preferred quick fix. */
  preferred?: boolean;
}

export interface Diagnostic {
  range: Range;
  severity: Severity;
  /** Stable code, e.g. `EQL001`: one of the registry's (core/codes.ts), documented in README.md. */
  code: DiagnosticCode;
  message: string;
  fixes?: Fix[];
}
