// The parts of SARIF 2.1.0 that code-scanning consumers require, checked structurally
// (the schema's required properties and the cross-references between rules and results).
import assert from 'node:assert/strict';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

export function assertValidSarif(doc: unknown): void {
  assert.ok(isObj(doc), 'SARIF log is an object');
  assert.equal(doc.version, '2.1.0');
  assert.equal(typeof doc.$schema, 'string');
  assert.ok(Array.isArray(doc.runs) && doc.runs.length === 1, 'one run');
  for (const run of doc.runs as unknown[]) {
    assert.ok(isObj(run) && isObj(run.tool) && isObj(run.tool.driver), 'run.tool.driver');
    const driver = run.tool.driver as Obj;
    assert.equal(typeof driver.name, 'string');
    const rules = (driver.rules ?? []) as unknown[];
    assert.ok(Array.isArray(rules));
    const ids = rules.map((r) => {
      assert.ok(isObj(r) && typeof r.id === 'string' && r.id.length > 0, 'rule.id');
      if (r.shortDescription !== undefined) assert.ok(isObj(r.shortDescription) && typeof r.shortDescription.text === 'string');
      return r.id as string;
    });
    assert.equal(new Set(ids).size, ids.length, 'rule ids are unique');
    assert.ok(Array.isArray(run.results), 'run.results');
    for (const res of run.results as unknown[]) {
      assert.ok(isObj(res) && isObj(res.message) && typeof res.message.text === 'string', 'result.message.text');
      assert.ok(['none', 'note', 'warning', 'error'].includes(res.level as string), `level ${String(res.level)}`);
      assert.ok(ids.includes(res.ruleId as string), `ruleId ${String(res.ruleId)} in driver.rules`);
      if (res.ruleIndex !== undefined) assert.equal(ids[res.ruleIndex as number], res.ruleId, 'ruleIndex points at ruleId');
      assert.ok(Array.isArray(res.locations) && res.locations.length > 0, 'locations');
      for (const loc of res.locations as unknown[]) {
        assert.ok(isObj(loc) && isObj(loc.physicalLocation), 'physicalLocation');
        const pl = loc.physicalLocation as Obj;
        assert.ok(isObj(pl.artifactLocation) && typeof pl.artifactLocation.uri === 'string', 'artifactLocation.uri');
        assert.ok(!/\\/.test(pl.artifactLocation.uri as string), 'uri uses forward slashes');
        assert.ok(isObj(pl.region), 'region');
        const r = pl.region as Record<string, number>;
        assert.ok(Number.isInteger(r.startLine) && r.startLine >= 1, 'startLine >= 1');
        assert.ok(Number.isInteger(r.startColumn) && r.startColumn >= 1, 'startColumn >= 1');
        assert.ok(r.endLine >= r.startLine, 'endLine >= startLine');
        if (r.endLine === r.startLine) assert.ok(r.endColumn >= r.startColumn, 'endColumn >= startColumn');
      }
    }
  }
}
