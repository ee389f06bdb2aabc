// The one version order of the project: the Elasticsearch `version` field type's (the engine
// compares such fields with it), also used to pick the newest integration package or ECS schema
// version of a detection-rules checkout.

// Version strings as the ES `version` type orders them: semantic versions by numeric parts, a
// pre-release before its release; strings that are not versions sort after every valid version.
const SEMVER = /^(\d+)(?:\.(\d+))*(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function compareVersion(a: string, b: string): number {
  const va = SEMVER.test(a);
  const vb = SEMVER.test(b);
  if (!va || !vb) {
    if (va !== vb) return va ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const split = (s: string): [number[], string | undefined] => {
    const core = s.split('+')[0];
    const dash = core.indexOf('-');
    const main = dash < 0 ? core : core.slice(0, dash);
    return [main.split('.').map(Number), dash < 0 ? undefined : core.slice(dash + 1)];
  };
  const [na, pa] = split(a);
  const [nb, pb] = split(b);
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const x = na[i] ?? 0;
    const y = nb[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  if (pa === pb) return 0;
  if (pa === undefined) return 1;
  if (pb === undefined) return -1;
  const xa = pa.split('.');
  const xb = pb.split('.');
  for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
    if (xa[i] === undefined) return -1;
    if (xb[i] === undefined) return 1;
    const na2 = /^\d+$/.test(xa[i]);
    const nb2 = /^\d+$/.test(xb[i]);
    if (na2 && nb2 && Number(xa[i]) !== Number(xb[i])) return Number(xa[i]) < Number(xb[i]) ? -1 : 1;
    if (na2 !== nb2) return na2 ? -1 : 1;
    if (xa[i] !== xb[i]) return xa[i] < xb[i] ? -1 : 1;
  }
  return 0;
}
