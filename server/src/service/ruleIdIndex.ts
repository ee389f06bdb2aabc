// Which files use which rule_id, for the "rule_id must be unique" check: the language
// server feeds it the workspace's rule files and open documents, the CLI the files it checks.
export class RuleIdIndex {
  /** key (uri) -> the file's name for messages and its rule ids. */
  private readonly files = new Map<string, { name: string; ids: string[] }>();
  private byId: Map<string, string[]> | undefined;

  /** Records a file's ids; true when they changed (other files' verdicts may change). */
  set(key: string, name: string, ids: readonly (string | undefined)[]): boolean {
    const clean = ids.filter((x): x is string => typeof x === 'string' && x !== '');
    const old = this.files.get(key);
    if (old && old.name === name && old.ids.length === clean.length && old.ids.every((x, i) => x === clean[i])) return false;
    if (!old && clean.length === 0) return false;
    if (clean.length === 0) this.files.delete(key);
    else this.files.set(key, { name, ids: clean });
    this.byId = undefined;
    return true;
  }

  /** True when the key had ids. */
  delete(key: string): boolean {
    if (!this.files.delete(key)) return false;
    this.byId = undefined;
    return true;
  }

  /** rule_id -> the first other file using it (the file `key` itself left out). */
  others(key: string): ReadonlyMap<string, string> {
    if (!this.byId) {
      this.byId = new Map();
      for (const [k, f] of this.files) for (const id of f.ids) this.byId.set(id, [...(this.byId.get(id) ?? []), k]);
    }
    const own = this.files.get(key)?.ids ?? [];
    const out = new Map<string, string>();
    for (const id of own) {
      const other = this.byId.get(id)?.find((k) => k !== key);
      if (other) out.set(id, this.files.get(other)?.name ?? other);
    }
    return out;
  }
}
