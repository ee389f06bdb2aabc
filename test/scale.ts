// How long the randomized tests run: a short run in `npm test`, the long one under `npm run fuzz`
// (which sets EQL_LONG_TESTS=1 and runs these tests at their full counts).
export const LONG = process.env.EQL_LONG_TESTS === '1';

/** `short` iterations in `npm test`, `long` under `npm run fuzz`. */
export function iterations(short: number, long: number): number {
  return LONG ? long : short;
}
