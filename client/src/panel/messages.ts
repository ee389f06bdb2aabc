// The messages between the results panel's host (extension side) and its webview.
// Types only, imported by both sides: the webview bundle must not pull in `vscode`.
import type { EventDto, ExplainEventResult, RunRuleResult, RunRuleRows, SearchEventsResult } from '../../../server/src/protocol';

/** The rule a panel shows: kept in the webview's state so a restored panel (window reload) can run it again. */
export interface PanelTargetState {
  uri: string;
  regionIndex: number;
}

/** Extension → webview. */
export type ToWebview =
  | { type: 'running'; source: string; samples: string; target?: PanelTargetState }
  /** While running: the server's progress ("12,000 events · 2 files read"), `percentage` 0–100 when known. */
  | { type: 'progress'; message: string; percentage?: number }
  /** While running: the first rows (provisional; the 'result' that follows replaces them). */
  | { type: 'rows'; rows: RunRuleRows }
  | { type: 'result'; result: RunRuleResult; samples: string }
  | { type: 'explain'; result: ExplainEventResult }
  | { type: 'search'; text: string; result: SearchEventsResult }
  | { type: 'failed'; message: string }
  | { type: 'cancelled'; message: string };

/** Webview → extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'select'; event: EventDto }
  | { type: 'open'; file: string; line: number; column: number }
  | { type: 'explain'; eventId: number }
  | { type: 'search'; text: string }
  /** `matches`: the indexes of the matches shown (filtered, in the shown order); absent = all. */
  | { type: 'export'; format: 'ndjson' | 'csv'; matches?: number[]; filter?: string }
  | { type: 'exportAll' }
  | { type: 'copy'; text: string }
  | { type: 'rerun' }
  | { type: 'cancel' }
  | { type: 'addToTests'; event: EventDto; expect: 'match' | 'no-match' }
  | { type: 'chooseSamples' }
  | { type: 'saveSamples' };

/** State the webview keeps across reloads (vscode.setState); the panel serializer reads `target`. */
export interface PersistedState {
  sortColumn?: string;
  sortDescending?: boolean;
  filter?: string;
  /** The rule (source) the filter was typed for: a run of another rule starts unfiltered. */
  filterSource?: string;
  /** Column widths in CSS pixels, by column name (dragged by the user). */
  widths?: Record<string, number>;
  target?: PanelTargetState;
}
