// A time span in words for people ("2.5 min", "1.2 h"): the panel's timeline and sequence gaps,
// and the sequence "Why not?" reasons.

export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (abs < 1000) return `${sign}${Math.round(abs)} ms`;
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(abs < 10_000 ? 1 : 0)} s`;
  if (abs < 3_600_000) return `${sign}${(abs / 60_000).toFixed(1).replace(/\.0$/, '')} min`;
  if (abs < 86_400_000) return `${sign}${(abs / 3_600_000).toFixed(1).replace(/\.0$/, '')} h`;
  return `${sign}${(abs / 86_400_000).toFixed(1).replace(/\.0$/, '')} d`;
}
