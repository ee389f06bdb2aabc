// The ATT&CK lookup the rule checks and hover share, built once from the generated table.
import { ATTACK_VERSION, TACTIC_ROWS, TECHNIQUE_ROWS, TECHNIQUE_REDIRECTS } from './attack-data';

export interface AttackTactic {
  id: string;
  name: string;
  url: string;
}

export interface AttackTechnique {
  id: string;
  name: string;
  /** Tactic ids this technique serves. */
  tactics: string[];
  /** Parent technique id for a sub-technique. */
  parent?: string;
  url: string;
}

export interface AttackTable {
  version: string;
  tactic(id: string): AttackTactic | undefined;
  tacticByName(name: string): AttackTactic | undefined;
  technique(id: string): AttackTechnique | undefined;
  /** The id a deprecated/moved technique id now maps to. */
  redirect(id: string): string | undefined;
  /** Every tactic and technique (sub-techniques included), in id order: completion lists them. */
  tactics(): readonly AttackTactic[];
  techniques(): readonly AttackTechnique[];
}

/** detection-rules writes reference URLs with a trailing slash; that is the form we suggest. */
export function tacticUrl(id: string): string {
  return `https://attack.mitre.org/tactics/${id}/`;
}

export function techniqueUrl(id: string): string {
  return `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;
}

/** Both `.../T1578/002` and `.../T1578/002/` (and http vs https) name the same page. */
export function sameAttackUrl(a: string, b: string): boolean {
  const norm = (u: string) => u.trim().replace(/^http:/, 'https:').replace(/\/+$/, '');
  return norm(a) === norm(b);
}

let builtIn: AttackTable | undefined;

export function attackTable(): AttackTable {
  if (builtIn) return builtIn;
  const tactics = new Map<string, AttackTactic>();
  const tacticsByName = new Map<string, AttackTactic>();
  for (const [id, name] of TACTIC_ROWS) {
    const t = { id, name, url: tacticUrl(id) };
    tactics.set(id, t);
    tacticsByName.set(name.toLowerCase(), t);
  }
  const techniques = new Map<string, AttackTechnique>();
  for (const [id, name, tacticIds] of TECHNIQUE_ROWS) {
    const dot = id.indexOf('.');
    techniques.set(id, {
      id,
      name,
      tactics: tacticIds === '' ? [] : tacticIds.split(','),
      parent: dot > 0 ? id.slice(0, dot) : undefined,
      url: techniqueUrl(id),
    });
  }
  builtIn = {
    version: ATTACK_VERSION,
    tactic: (id) => tactics.get(id),
    tacticByName: (name) => tacticsByName.get(name.toLowerCase()),
    technique: (id) => techniques.get(id),
    redirect: (id) => (Object.prototype.hasOwnProperty.call(TECHNIQUE_REDIRECTS, id) ? TECHNIQUE_REDIRECTS[id] : undefined),
    tactics: () => [...tactics.values()],
    techniques: () => [...techniques.values()],
  };
  return builtIn;
}
