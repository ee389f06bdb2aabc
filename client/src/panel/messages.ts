// The messages between the results panel's host (extension side) and its webview.
// Types only, imported by both sides: the webview bundle must not pull in `vscode`.
import type { EventDto, ExplainEventResult, RunRuleResult, SearchEventsResult } from '../../../server/src/protocol';

/** Extension → webview. */
export type ToWebview =
  | { type: 'running'; source: string; samples: string }
  | { type: 'result'; result: RunRuleResult; samples: string }
  | { type: 'explain'; result: ExplainEventResult }
  | { type: 'search'; text: string; result: SearchEventsResult }
  | { type: 'failed'; message: string };

/** Webview → extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'select'; event: EventDto }
  | { type: 'open'; file: string; line: number; column: number }
  | { type: 'explain'; eventId: number }
  | { type: 'search'; text: string }
  | { type: 'export'; format: 'ndjson' | 'csv' }
  | { type: 'exportAll' }
  | { type: 'copy'; text: string }
  | { type: 'rerun' }
  | { type: 'addToTests'; event: EventDto; expect: 'match' | 'no-match' }
  | { type: 'chooseSamples' }
  | { type: 'saveSamples' };

/** State the webview keeps across reloads (vscode.setState). */
export interface PersistedState {
  sortColumn?: string;
  sortDescending?: boolean;
  filter?: string;
}
