// Figures of repeated measurements, the same for every benchmark and timing test.

/** The median of `xs` (of an even count, the upper middle one); NaN when there is none. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  return [...xs].sort((a, b) => a - b)[xs.length >> 1];
}
