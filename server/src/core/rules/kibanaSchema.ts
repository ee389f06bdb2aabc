// What an EQL rule object may contain when it goes to Kibana's detection-engine API: every key,
// its type, its enum or bounds. Facts from the EQL rule API schema detection-rules validates
// against (stack 9.5), written here as data. The rule checks take their list of [rule] keys
// from it and the test Kibana validates each rule it is given with validateKibanaRule.

export type SchemaNode =
  | { t: 'string'; enum?: readonly string[]; pattern?: RegExp; minLength?: number }
  | { t: 'integer'; min?: number; max?: number }
  | { t: 'boolean' }
  | { t: 'array'; items?: SchemaNode; minItems?: number; maxItems?: number }
  | { t: 'object'; props?: Record<string, SchemaNode>; required?: readonly string[]; open?: boolean };

const S: SchemaNode = { t: 'string' };
const STRINGS: SchemaNode = { t: 'array', items: S };
const FREE_OBJECTS: SchemaNode = { t: 'array', items: { t: 'object', open: true } };
const FRAMEWORK: SchemaNode = { t: 'string', enum: ['MITRE ATT&CK', 'MITRE ATLAS'] };

const ref = (pattern: RegExp): SchemaNode => ({
  t: 'object',
  props: { id: S, name: S, reference: { t: 'string', pattern } },
  required: ['id', 'name'],
});
const THREAT: SchemaNode = {
  t: 'object',
  required: ['framework', 'tactic'],
  props: {
    framework: FRAMEWORK,
    tactic: ref(/^(https:\/\/attack\.mitre\.org\/tactics\/TA[0-9]+\/|https:\/\/atlas\.mitre\.org\/tactics\/AML\.TA[0-9]+\/)$/),
    technique: {
      t: 'array',
      items: {
        t: 'object',
        required: ['id', 'name'],
        props: {
          id: S,
          name: S,
          reference: { t: 'string', pattern: /^(https:\/\/attack\.mitre\.org\/techniques\/T[0-9]+\/|https:\/\/atlas\.mitre\.org\/techniques\/AML\.T[0-9]+\/)$/ },
          subtechnique: {
            t: 'array',
            items: ref(/^(https:\/\/attack\.mitre\.org\/techniques\/T[0-9]+\/[0-9]+\/|https:\/\/atlas\.mitre\.org\/techniques\/AML\.T[0-9]+\.[0-9]+\/)$/),
          },
        },
      },
    },
  },
};

/** Every key of an EQL rule object (the [rule] table of a detection-rules TOML file). */
export const KIBANA_EQL_RULE_SCHEMA: Record<string, SchemaNode> = {
  actions: FREE_OBJECTS,
  alert_suppression: {
    t: 'object',
    props: {
      duration: { t: 'object', required: ['unit'], props: { unit: { t: 'string', enum: ['s', 'm', 'h'] }, value: { t: 'integer', min: 1 } } },
      group_by: { t: 'array', items: { t: 'string', minLength: 1 }, minItems: 1, maxItems: 3 },
      missing_fields_strategy: { t: 'string', enum: ['suppress', 'doNotSuppress'] },
    },
  },
  author: STRINGS,
  building_block_type: { t: 'string', enum: ['default'] },
  data_view_id: S,
  description: S,
  enabled: { t: 'boolean' },
  event_category_override: S,
  exceptions_list: FREE_OBJECTS,
  false_positives: STRINGS,
  filters: FREE_OBJECTS,
  from: S,
  index: STRINGS,
  interval: { t: 'string', pattern: /^\d+[mshd]$/ },
  investigation_fields: { t: 'object', required: ['field_names'], props: { field_names: { t: 'array', items: { t: 'string', minLength: 1 } } } },
  language: { t: 'string', enum: ['eql'] },
  license: S,
  max_signals: { t: 'integer', min: 1 },
  meta: { t: 'object', open: true },
  name: S,
  note: S,
  query: S,
  references: STRINGS,
  related_integrations: { t: 'array', items: { t: 'object', props: { package: { t: 'string', minLength: 1 } } } },
  required_fields: { t: 'array', items: { t: 'object', required: ['ecs'], props: { ecs: { t: 'boolean' }, name: { t: 'string', minLength: 1 } } } },
  response_actions: FREE_OBJECTS,
  revision: { t: 'integer' },
  risk_score: { t: 'integer', min: 0, max: 100 },
  risk_score_mapping: {
    t: 'array',
    items: { t: 'object', required: ['field'], props: { field: S, operator: { t: 'string', enum: ['equals'] }, value: S } },
  },
  rule_id: { t: 'string', pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^7eb54028-ca72-4eb7-8185-b6864572347db$/ },
  rule_name_override: S,
  setup: S,
  severity: { t: 'string', enum: ['low', 'medium', 'high', 'critical'] },
  severity_mapping: {
    t: 'array',
    items: { t: 'object', required: ['field'], props: { field: S, operator: { t: 'string', enum: ['equals'] }, severity: S, value: S } },
  },
  tags: STRINGS,
  threat: { t: 'array', items: THREAT },
  threat_mappings: {
    t: 'array',
    items: { t: 'object', required: ['framework', 'threat', 'version'], props: { framework: FRAMEWORK, threat: { t: 'array', items: THREAT }, version: S } },
  },
  throttle: S,
  tiebreaker_field: S,
  timeline_id: S,
  timeline_title: S,
  timestamp_field: S,
  timestamp_override: S,
  to: S,
  type: { t: 'string', enum: ['eql'] },
  version: { t: 'integer', min: 1 },
};

/** Keys the schema requires of every rule object. */
export const KIBANA_EQL_RULE_REQUIRED = ['author', 'description', 'language', 'severity', 'type'] as const;

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function check(node: SchemaNode, v: unknown, path: string, out: string[]): void {
  const fail = (expected: string): void => void out.push(`${path}: Expected ${expected}, received ${kind(v)}`);
  switch (node.t) {
    case 'string':
      if (typeof v !== 'string') return fail('string');
      if (node.enum && !node.enum.includes(v))
        out.push(`${path}: Invalid enum value. Expected ${node.enum.map((e) => `'${e}'`).join(' | ')}, received '${v}'`);
      if (node.pattern && !node.pattern.test(v)) out.push(`${path}: Invalid value "${v}" (does not match ${node.pattern.source})`);
      if (node.minLength !== undefined && v.length < node.minLength) out.push(`${path}: String must contain at least ${node.minLength} character(s)`);
      return;
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) return fail('integer');
      if (node.min !== undefined && v < node.min) out.push(`${path}: Number must be greater than or equal to ${node.min}`);
      if (node.max !== undefined && v > node.max) out.push(`${path}: Number must be less than or equal to ${node.max}`);
      return;
    case 'boolean':
      if (typeof v !== 'boolean') fail('boolean');
      return;
    case 'array':
      if (!Array.isArray(v)) return fail('array');
      if (node.minItems !== undefined && v.length < node.minItems) out.push(`${path}: Array must contain at least ${node.minItems} element(s)`);
      if (node.maxItems !== undefined && v.length > node.maxItems) out.push(`${path}: Array must contain at most ${node.maxItems} element(s)`);
      if (node.items) v.forEach((item, i) => check(node.items as SchemaNode, item, `${path}.${i}`, out));
      return;
    case 'object': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail('object');
      const o = v as Record<string, unknown>;
      for (const key of node.required ?? []) if (o[key] === undefined) out.push(`${path}.${key}: Required`);
      if (node.open || !node.props) return;
      for (const [key, value] of Object.entries(o)) {
        const child = node.props[key];
        if (child) check(child, value, `${path}.${key}`, out);
        else out.push(`${path}: Unrecognized key "${key}"`);
      }
      return;
    }
  }
}

/**
 * Problems of a rule object against the schema, one message per problem, in the form Kibana's
 * request validation writes them (`severity: Invalid enum value. …`). `ignore` names keys the
 * caller accepts besides the schema's (e.g. the response fields an export carries).
 */
export function validateKibanaRule(rule: unknown, ignore: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) return [`Expected object, received ${kind(rule)}`];
  const o = rule as Record<string, unknown>;
  for (const key of KIBANA_EQL_RULE_REQUIRED) if (o[key] === undefined) out.push(`${key}: Required`);
  for (const [key, value] of Object.entries(o)) {
    if (ignore.has(key)) continue;
    const node = KIBANA_EQL_RULE_SCHEMA[key];
    if (!node) out.push(`Unrecognized key "${key}"`);
    else check(node, value, key, out);
  }
  return out;
}
