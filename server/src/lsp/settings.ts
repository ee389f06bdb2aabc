// Reads `eqlRuleStudio.*` through workspace/configuration (per document folder when the
// client supports it), falling back to what didChangeConfiguration pushed.
export interface ServerSettings {
  samples: string[];
  schemas: string[];
  schemaFiles: string[];
}

export const DEFAULT_SERVER_SETTINGS: ServerSettings = { samples: [], schemas: ['ecs', 'aws.cloudtrail'], schemaFiles: [] };

function strings(x: unknown): string[] | undefined {
  return Array.isArray(x) && x.every((v) => typeof v === 'string') ? (x as string[]) : undefined;
}

/** Settings from an untrusted object (the client's answer), each key validated. */
export function toSettings(raw: unknown): ServerSettings {
  const o = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  return {
    samples: strings(o.samples) ?? DEFAULT_SERVER_SETTINGS.samples,
    schemas: strings(o.schemas) ?? DEFAULT_SERVER_SETTINGS.schemas,
    schemaFiles: strings(o.schemaFiles) ?? DEFAULT_SERVER_SETTINGS.schemaFiles,
  };
}
