// One line of documentation for each key of a detection-rules TOML file, for TOML completion.
// [metadata] keys are detection-rules' own (this table is their list, which the rule checks read);
// the list of [rule] keys is the Kibana EQL rule schema's (kibanaSchema.ts) — a test keeps the
// docs below in step with it.

export const METADATA_KEY_DOCS: Record<string, string> = {
  creation_date: 'Date the rule was created, `YYYY/MM/DD`. Required.',
  updated_date: 'Date of the last change, `YYYY/MM/DD`. Required.',
  maturity: 'Lifecycle: `development`, `production` or `deprecated`. Required.',
  integration: 'Integrations the rule\'s data comes from, e.g. `["aws"]`.',
  deprecation_date: 'Date the rule was deprecated, `YYYY/MM/DD` (maturity = "deprecated").',
  comments: 'Free-form notes for maintainers.',
  min_stack_version: 'Oldest Elastic Stack version the rule supports, e.g. "8.13.0".',
  min_stack_comments: 'Why min_stack_version is needed.',
  query_schema_validation: 'false skips detection-rules\' query validation against the schemas.',
  bypass_bbr_timing: 'Building-block rules only: skip the look-back timing checks.',
};

/** Docs of the [rule] keys of KIBANA_EQL_RULE_SCHEMA. */
export const RULE_KEY_DOCS: Record<string, string> = {
  actions: 'Actions run when the rule creates alerts.',
  alert_suppression: 'Groups alerts by fields for a duration instead of creating one per match.',
  author: 'Authors, e.g. `["Elastic"]`. Required.',
  building_block_type: '"default" makes the rule a building block: its alerts are hidden by default.',
  data_view_id: 'Kibana data view to search instead of `index` (not both).',
  description: 'What the rule detects and why it matters. Required.',
  enabled: 'Whether the rule runs once installed.',
  event_category_override: 'Field to use as the event category instead of `event.category`.',
  exceptions_list: 'Exception lists applied to the rule.',
  false_positives: 'Known benign causes of alerts.',
  filters: 'Kibana query filters added to the query.',
  from: 'How far back each run looks: date math such as "now-9m" (interval plus some overlap).',
  index: 'Index patterns to search, e.g. `["logs-aws.cloudtrail-*"]` (or data_view_id).',
  interval: 'How often the rule runs, e.g. "5m".',
  investigation_fields: 'Fields to show first when investigating an alert.',
  language: 'Query language: "eql". Required.',
  license: 'License of the rule: detection-rules writes "Elastic License v2".',
  max_signals: 'Most alerts one run may create (default 100).',
  meta: 'Free-form metadata stored with the rule.',
  name: 'Rule name shown in Kibana and in alerts. Required.',
  note: 'Investigation guide (Markdown).',
  query: 'The EQL query. Required.',
  references: 'URLs with background on the behaviour detected.',
  related_integrations: 'Integrations (package, version) the rule needs.',
  required_fields: 'Fields (name, type, ecs) the rule needs.',
  response_actions: 'Endpoint or Osquery response actions run on alerts.',
  revision: 'Revision number Kibana keeps for the rule.',
  risk_score: 'Risk from 0 to 100; detection-rules pairs it with severity: low 21, medium 47, high 73, critical 99. Required.',
  risk_score_mapping: 'Takes the risk score from a field of the matched event.',
  rule_id: 'Stable UUID of the rule (lowercase). Required.',
  rule_name_override: 'Field whose value names the alert instead of the rule name.',
  setup: 'Setup guide (Markdown): what must be configured for the rule to work.',
  severity: 'Alert severity: low, medium, high or critical. Required.',
  severity_mapping: 'Takes the severity from a field of the matched event.',
  tags: 'Tags such as "Domain: Cloud", "Data Source: AWS", "Tactic: Persistence".',
  threat: 'MITRE ATT&CK mapping: [[rule.threat]] tables.',
  threat_mappings: 'Threat-match mappings (not used by EQL rules).',
  throttle: 'How often actions may run.',
  tiebreaker_field: 'Field that orders events with the same timestamp in sequences.',
  timeline_id: 'Timeline template used to investigate alerts.',
  timeline_title: 'Title of that timeline template.',
  timestamp_field: 'Field that holds the event time for sequences (default @timestamp).',
  timestamp_override: 'Field to use as the event time for the look-back, e.g. "event.ingested".',
  to: 'End of the search window (default "now").',
  type: 'Rule type: "eql". Required.',
  version: 'Version number of the rule.',
};

/** Keys of the ATT&CK tables under [[rule.threat]], by table path. */
export const THREAT_KEY_DOCS: Record<string, Record<string, string>> = {
  'rule.threat': { framework: 'Always "MITRE ATT&CK".' },
  'rule.threat.tactic': { id: 'Tactic id, e.g. TA0005.', name: 'Tactic name, e.g. "Defense Evasion".', reference: 'https://attack.mitre.org/tactics/<id>/' },
  'rule.threat.technique': { id: 'Technique id, e.g. T1562.', name: 'Technique name.', reference: 'https://attack.mitre.org/techniques/<id>/' },
  'rule.threat.technique.subtechnique': { id: 'Sub-technique id, e.g. T1562.008.', name: 'Sub-technique name.', reference: 'https://attack.mitre.org/techniques/<id>/<sub>/' },
};

export const MATURITIES = ['development', 'production', 'deprecated'];
