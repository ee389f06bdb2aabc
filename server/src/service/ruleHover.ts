// Hover on an ATT&CK id in a rule's threat mapping (or on a `Tactic: ...` tag): the tactic or
// technique's name, where it sits in ATT&CK, and its URL.
import type { Hover } from 'vscode-languageserver-types';
import { type AttackTable, attackTable } from '../core/rules/attack';
import type { RuleInfo } from '../core/rules/ruleFile';
import type { Range } from '../core/syntax/ast';
import type { ServiceDocument } from './document';
import { ruleFileOf, toServiceDocument } from './embedded';
import { hostRangeToLsp } from './lspMapping';

const inside = (r: Range, offset: number) => offset >= r.start && offset <= r.end;

/** Markdown describing an ATT&CK tactic or technique id, or undefined for an unknown id. */
export function describeAttackId(id: string, attack: AttackTable = attackTable()): string | undefined {
  const tactic = attack.tactic(id);
  if (tactic) return `**${tactic.id} ${tactic.name}** — ATT&CK tactic\n\n[${tactic.url}](${tactic.url})`;
  const moved = attack.redirect(id);
  if (moved) {
    const target = attack.technique(moved);
    return `**${id}** — deprecated ATT&CK technique, now ${moved}${target ? ` ${target.name}` : ''}`;
  }
  const tech = attack.technique(id);
  if (!tech) return undefined;
  const parent = tech.parent ? attack.technique(tech.parent) : undefined;
  const tactics = tech.tactics.map((t) => `${t} ${attack.tactic(t)?.name ?? ''}`.trim()).join(', ');
  const lines = [
    `**${tech.id} ${tech.name}** — ATT&CK ${parent ? `sub-technique of ${parent.id} ${parent.name}` : 'technique'}`,
    `Tactics: ${tactics || '—'} (ATT&CK ${attack.version})`,
    `[${tech.url}](${tech.url})`,
  ];
  return lines.join('\n\n');
}

function idRanges(rule: RuleInfo): { id: string; range: Range }[] {
  const out: { id: string; range: Range }[] = [];
  const add = (path: string, id: string | undefined) => {
    const loc = rule.locate(`${path}.id`);
    if (id && loc) out.push({ id, range: loc.value });
  };
  for (const t of rule.threat) {
    if (t.tactic) add(t.tactic.path, t.tactic.id);
    for (const tech of t.techniques) {
      add(tech.path, tech.id);
      for (const sub of tech.subtechniques) add(sub.path, sub.id);
    }
  }
  return out;
}

export function getRuleHover(doc: ServiceDocument, offset: number, attack: AttackTable = attackTable()): Hover | null {
  const file = ruleFileOf(doc) ?? ruleFileOf(toServiceDocument(doc.uri, doc.languageId, doc.version, doc.text));
  if (!file) return null;
  for (const rule of file.rules) {
    if (!inside(rule.range, offset)) continue;
    for (const { id, range } of idRanges(rule)) {
      if (!inside(range, offset)) continue;
      const md = describeAttackId(id, attack);
      if (md) return { contents: { kind: 'markdown', value: md }, range: hostRangeToLsp(doc, range) };
    }
    for (let i = 0; i < rule.tags.length; i++) {
      const loc = rule.locate(`rule.tags.${i}`);
      const m = /^Tactic:\s*(.+)$/.exec(rule.tags[i]);
      if (!loc || !m || !inside(loc.value, offset)) continue;
      const tactic = attack.tacticByName(m[1].trim());
      if (tactic) return { contents: { kind: 'markdown', value: describeAttackId(tactic.id, attack) ?? '' }, range: hostRangeToLsp(doc, loc.value) };
    }
  }
  return null;
}
