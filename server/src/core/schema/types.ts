// What a field catalog knows. Every source (ECS, AWS CloudTrail, sample events, detection-rules
// schema files, user files) is reduced to a Catalog, so completion, hover and validation need
// to know only this shape.

/** Where a field definition came from, shown to the user next to the field. */
export type FieldSource = string;

export interface FieldInfo {
  name: string;
  /** Elasticsearch mapping type: keyword, long, ip, date, text, match_only_text, flattened, object ... */
  type: string;
  description?: string;
  example?: string;
  allowedValues?: KnownValue[];
  /** The field normally holds an array (ECS `normalize: array`). */
  array?: boolean;
  /** Catalog label, e.g. "ECS 9.4.0", "AWS CloudTrail", "samples". */
  source: FieldSource;
  /** ECS level: core fields rank before extended ones. */
  level?: 'core' | 'extended' | 'custom';
  /** For a multi-field such as `user.name.text`: its parent `user.name`. */
  multiFieldOf?: string;
  /** Values seen in sample events (samples catalog only). */
  observed?: string[];
  /** For `event.action` (samples catalog only): the `event.provider` values each observed value came with. */
  observedProviders?: Record<string, string[]>;
  /** Number of sample events that hold the field (samples catalog only). */
  seenIn?: number;
}

/** A value a field is known to take (ECS allowed values, AWS endpoints and API names). */
export interface KnownValue {
  value: string;
  description?: string;
  /** For `event.action`: the `event.provider` it belongs to (e.g. rds.amazonaws.com). */
  provider?: string;
}

export interface Catalog {
  /** Stable id used by settings and selection: `ecs`, `aws.cloudtrail`, `samples`, `user:<file>`. */
  id: string;
  /** Shown to the user: "ECS 9.4.0", "AWS CloudTrail". */
  label: string;
  fields: ReadonlyMap<string, FieldInfo>;
  /**
   * Known values per field name, beyond a field's own allowedValues (e.g. AWS API names for
   * event.action). Kept apart so value lists can come from a catalog that does not define the field.
   */
  values?: ReadonlyMap<string, KnownValue[]>;
  /** Completion/ranking tier: 0 rule's integration, 1 samples, 2 ECS core, 3 ECS extended/others. */
  tier?: number;
  /**
   * Only for queries over these data (detection-rules non-ECS and integration schemas are keyed
   * by index pattern / package). Absent: applies everywhere.
   */
  appliesTo?: { indices?: string[]; integrations?: string[] };
}

/** Field types whose sub-paths are all valid without being listed (any key of the JSON object). */
export function isOpenType(type: string): boolean {
  return type === 'flattened' || type === 'object' || type === 'nested';
}
