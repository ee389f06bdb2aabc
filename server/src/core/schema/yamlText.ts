// YAML field definition files (integration fields.yml, ECS-style flat YAML) read with the `yaml`
// package (YAML 1.2, core schema): anchors, tags, flow and block styles, explicit keys — the whole
// language. Never throws: the parser's errors (and warnings) come back with 1-based line/column,
// and the value is what the parser could still build.
import { LineCounter, parseDocument } from 'yaml';

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

export interface YamlError {
  line: number;
  column: number;
  message: string;
}

export function parseYaml(text: string): { value: YamlValue; errors: YamlError[] } {
  const errors: YamlError[] = [];
  let value: YamlValue = null;
  try {
    const lines = new LineCounter();
    const doc = parseDocument(text, { prettyErrors: false, merge: true, lineCounter: lines });
    for (const e of [...doc.errors, ...doc.warnings]) {
      const pos = lines.linePos(e.pos[0]);
      errors.push({ line: pos.line, column: pos.col, message: e.message });
    }
    value = (doc.toJS({ maxAliasCount: 1000 }) ?? null) as YamlValue;
  } catch (e) {
    // toJS throws on alias bombs (maxAliasCount) and on aliases to unknown anchors.
    errors.push({ line: 1, column: 1, message: e instanceof Error ? e.message : String(e) });
  }
  return { value, errors };
}
