// The custom messages between the VS Code client and the language server, declared once as typed
// RequestType<P, R> / NotificationType<P> and imported by both sides: a call site names the
// declaration, never the method string, and its params and result are checked against it.
// Depends only on vscode-languageserver-protocol's environment-neutral entry (no node, no DOM),
// which both vscode-languageclient and vscode-languageserver are built on.
import { NotificationType, ProgressType, RequestType, type WorkDoneProgressParams } from 'vscode-languageserver-protocol';
import type { SchemaStatus } from './service/context';
import type { EngineOptions } from './core/engine/types';
import type { ExplainStep } from './core/engine/explain';
import type { SequenceReason } from './core/engine/explainSequence';

/** Request: run the rule (or the query region) of a document over sample files. */
export const RunRuleRequest = new RequestType<RunRuleParams, RunRuleResult, void>('eql/runRule');
export interface RunRuleParams extends WorkDoneProgressParams {
  uri: string;
  /** Which embedded query of a rule file (0 for a plain .eql file). */
  regionIndex?: number;
  /** Absolute paths of sample files or folders, already chosen by the client. */
  samples: string[];
  /** Overrides of the rule's own options. */
  options?: RunOptions;
  /**
   * When set, the server sends the first rows while the run goes on: `$/progress` with this token and a
   * RunRuleRows value (event queries; sequences and samples show progress only). The response is the complete answer.
   */
  partialResultToken?: string | number;
}
/** `$/progress` value on RunRuleParams.partialResultToken: the matches so far (provisional), at most RUN_ROWS_MAX. */
export interface RunRuleRows {
  query: string;
  /** As RunRuleResult.source. */
  source: string;
  /** Fields the query references (the table's columns). */
  fields: string[];
  kind: RunRuleResult['kind'];
  /** The matches found so far (the first rows of the table), at most RUN_ROWS_MAX of them. */
  matches: MatchDto[];
  /** Matches so far (may exceed matches.length), and events and files read so far. */
  matched: number;
  events: number;
  files: number;
  ms: number;
}
export const RUN_ROWS_MAX = 500;
/** `$/progress` values carrying a run's first rows, on RunRuleParams.partialResultToken. */
export const RunRuleRowsProgress = new ProgressType<RunRuleRows>();
/** The engine's request options a client may override (the same as the EQL search API's). */
export type RunOptions = Pick<EngineOptions, 'timestampField' | 'tiebreakerField' | 'eventCategoryField' | 'size' | 'resultPosition' | 'maxSamplesPerKey'>;
export interface RunRuleResult {
  /** Identifies this run for follow-up requests (explain, search). */
  runId: string;
  query: string;
  /** Human name of what ran: the rule name or the file name. */
  source: string;
  kind: 'event' | 'sequence' | 'sample';
  matches: MatchDto[];
  stats: { events: number; files: number; matched: number; ms: number };
  errors: SampleErrorDto[];
  /** Events the engine could not evaluate (left out of the matches): the count and the first few. */
  evaluationErrors?: { count: number; first: SampleErrorDto[] };
  /** Fields the query references, in order of appearance. */
  fields: string[];
  /** Per referenced field: how many scanned events have it, for the empty state. */
  fieldPresence: { field: string; present: number }[];
  /** Query/syntax errors that prevented the run (then matches is empty). */
  queryErrors: { line: number; column: number; message: string }[];
  /** maxspan in ms for sequences, to show time between steps against it. */
  maxspanMs?: number;
  /** Sequences and samples: the join-key fields (`by`), highlighted in the panel's events. */
  joinFields?: string[];
  /** Which sample files were read (with their event counts) and which were skipped, and why. */
  sampleFiles?: SampleFileDto[];
  /** Notes about the run as a whole (events out of time order sorted on disk, events without a timestamp). */
  notes?: string[];
  /** Set when fewer matches were sent than found (the answer would be too large): export them all with eql/exportMatches. */
  truncated?: { sent: number; total: number; note: string };
  /** Set when the rule ran on an Elasticsearch cluster (then stats.files is 0 and events carry index/esId). */
  cluster?: ClusterRunInfo;
}
export interface ClusterRunInfo {
  /** The connection's name. */
  connection: string;
  indices: string[];
  from: string;
  to: string;
  took?: number;
  total?: number;
  partial: boolean;
  shardFailures: number;
  /** "took 12 ms · 6 shown of 6 total · PARTIAL RESULTS" */
  summary: string;
  /** Partial results, shard failures, time-outs: shown prominently. */
  warnings: string[];
  /** Set by Compare with Cluster: the same events run locally and on the cluster. */
  compare?: CompareDto;
}
export interface CompareDto {
  index: string;
  events: number;
  both: number;
  /** Each differing match as one line: its events' timestamp, action and where they are. */
  onlyLocal: string[];
  onlyCluster: string[];
}
/** One sample file of a run: used (events > 0) or skipped with the reason. */
export interface SampleFileDto {
  file: string;
  events: number;
  errors: number;
  /** Why it gave no events or what in it was skipped ("0 events: CloudTrail digest file…", "not found", "permission denied"). */
  reason?: string;
  used: boolean;
}

/** Request: the sample files a run of a document reads when the user chose none (the run lens counts the same). */
export const SampleFilesRequest = new RequestType<SampleFilesParams, SampleFilesResult, void>('eql/sampleFiles');
export interface SampleFilesParams {
  /** The document to run: its workspace folder's samples (multi-root). */
  uri?: string;
}
export interface SampleFilesResult {
  paths: string[];
  /** "12 files found in my-rules", "3 files from samples/**" */
  label: string;
  how: 'setting' | 'found';
  /** The workspace folder searched. */
  folder?: string;
}

/** Request: write every match of a run (also those beyond what the panel received) as NDJSON to a file. */
export const ExportMatchesRequest = new RequestType<ExportMatchesParams, ExportMatchesResult, void>('eql/exportMatches');
export interface ExportMatchesParams {
  runId: string;
  /** Absolute path of the file to write. */
  path: string;
}
export interface ExportMatchesResult {
  matches: number;
  bytes: number;
}
export interface MatchDto {
  kind: 'event' | 'sequence' | 'sample';
  joinKeys: unknown[];
  events: EventDto[];
}
export interface EventDto {
  /** Index of the event in the run's input order; -1 for a missing-event placeholder. */
  id: number;
  missing: boolean;
  file?: string;
  /** 1-based. */
  line?: number;
  column?: number;
  /** The event's timestamp as ISO-8601, when it has one. */
  timestamp?: string;
  /** The document the query ran on (the normalized ECS document for raw CloudTrail). */
  doc?: Record<string, unknown>;
  /** The original raw CloudTrail record, when doc was normalized from one. */
  raw?: Record<string, unknown>;
  /** For events from a cluster: the document's `_index` and `_id`. */
  index?: string;
  esId?: string;
}
export interface SampleErrorDto {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Request: explain why one event of a run matched or did not ("Why not?"). */
export const ExplainEventRequest = new RequestType<ExplainEventParams, ExplainEventResult, void>('eql/explainEvent');
export interface ExplainEventParams {
  runId: string;
  eventId: number;
}
export interface ExplainEventResult {
  event: EventDto;
  /** One tree per query step (one for an event query). */
  steps: ExplainStep[];
  /** For sequences and samples: why the event did not complete a match, in words. */
  notes: string[];
  /** For sequences and samples: what the neighbour steps lacked among the run's events, in words
   * ("No AssumeRole (step 2) with user.name = "u17" within 30m after this event …"). */
  reasons?: SequenceReason[];
  /** The join-key fields, highlighted in the event. */
  joinFields?: string[];
}
export type { ExplainNode, ExplainStep } from './core/engine/explain';
export type { SequenceReason } from './core/engine/explainSequence';

/** Request: find events of a run by text, for picking one to explain. */
export const SearchEventsRequest = new RequestType<SearchEventsParams, SearchEventsResult, void>('eql/searchEvents');
export interface SearchEventsParams {
  runId: string;
  text: string;
  limit: number;
}
export interface SearchEventsResult {
  events: EventDto[];
  total: number;
}

/** Notification server -> client: what the server is using for a document. */
export const StatusNotification = new NotificationType<StatusParams>('eql/status');
export type StatusParams = SchemaStatus;

/** Request: the rule files that have tests (`<rule>.test.ndjson` beside them) under the given folders. */
export const ListRuleTestsRequest = new RequestType<ListRuleTestsParams, ListRuleTestsResult, void>('eql/listRuleTests');
export interface ListRuleTestsParams {
  /** Folder or file URIs to search (the client's workspace folders). */
  uris: string[];
}
export interface ListRuleTestsResult {
  files: RuleTestFileDto[];
}
export interface RuleTestFileDto {
  ruleUri: string;
  testUri: string;
  /** The EQL rules of the rule file (one for TOML and .eql). */
  rules: { label: string; ruleId?: string; queryRange?: LspRangeDto }[];
  /** One per test line. */
  cases: RuleTestCaseDto[];
  /** Format problems of the test file (TEST4xx). */
  errors: RuleTestErrorDto[];
}
export interface RuleTestCaseDto {
  /** 1-based line in the test file. */
  line: number;
  expect: 'match' | 'no-match';
  name?: string;
  group?: string;
  rule?: string;
}
export interface RuleTestErrorDto {
  line: number;
  column: number;
  code: string;
  message: string;
}
/** 0-based LSP positions. */
export interface LspRangeDto {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** Request: run the tests of one rule file (open documents' unsaved text wins over the disk). */
export const RunRuleTestsRequest = new RequestType<RunRuleTestsParams, RunRuleTestsResult, void>('eql/runRuleTests');
export interface RunRuleTestsParams {
  /** The rule file, or its test file. */
  uri: string;
  /** The editor's text of the rule and test file by URI: it wins over the server's copy, so a run
   * started on save always sees what was saved. */
  texts?: Record<string, string>;
}
export interface RunRuleTestsResult {
  file: RuleTestFileDto;
  rules: RuleTestRunDto[];
}
export interface RuleTestRunDto {
  label: string;
  ruleId?: string;
  queryRange?: LspRangeDto;
  /** Why the query could not run (then every case failed). */
  queryErrors: string[];
  passed: number;
  failed: number;
  ms: number;
  cases: RuleTestVerdictDto[];
  coverage: ClauseCoverageDto[];
}
export interface RuleTestVerdictDto {
  line: number;
  name?: string;
  group?: string;
  expect: 'match' | 'no-match';
  actual: 'match' | 'no-match';
  passed: boolean;
  message: string;
  /** "Why not?" (or why) as text. */
  detail?: string;
  notes: string[];
}
export interface ClauseCoverageDto {
  step: string;
  text: string;
  /** In the rule file. */
  range?: LspRangeDto;
  true: number;
  false: number;
  null: number;
}

/** Request: the `_eql/search` request of a document's query (built as Kibana's EQL rule executor does). */
export const ClusterRequestRequest = new RequestType<ClusterRequestParams, ClusterRequestResult, void>('eql/clusterRequest');
export interface ClusterRequestParams {
  uri: string;
  regionIndex?: number;
  /** Index patterns chosen by the user; default the rule's `index`. */
  indices?: string[];
  /** ISO or date math; default the rule's look-back `from` (or now-24h). */
  from?: string;
  to?: string;
  size?: number;
}
export interface ClusterRequestResult {
  /** Undefined when no index patterns are known (a plain .eql without a choice): ask the user. */
  request?: { index: string[]; body: Record<string, unknown> & { query: string } };
  /** The rule's own look-back, for the time range choice. */
  ruleFrom?: string;
  source: string;
  /** Problems with the given options (bad time): shown to the user, nothing is sent. */
  problems: string[];
}

/** Request: turn a cluster's `_eql/search` answer into a run result for the panel (kept for explain). */
export const ClusterResultRequest = new RequestType<ClusterResultParams, RunRuleResult, void>('eql/clusterResult');
export interface ClusterResultParams {
  uri: string;
  regionIndex?: number;
  connection: string;
  request: { index: string[]; body: Record<string, unknown> & { query: string } };
  /** The response body as Elasticsearch sent it. */
  response: unknown;
  ms: number;
}

/** Notification client -> server: Elasticsearch rejected the query; show its errors as diagnostics until the next edit. */
export const ClusterErrorNotification = new NotificationType<ClusterErrorParams>('eql/clusterError');
export interface ClusterErrorParams {
  uri: string;
  regionIndex?: number;
  /** The document version the query was sent from. */
  version?: number;
  /** undefined clears the document's Elasticsearch diagnostics. */
  error?: { type: string; reason: string };
}
