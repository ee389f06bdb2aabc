// The only host globals core uses, present in both node and browsers (core's tsconfig has neither
// the DOM nor node's types, so it declares exactly these).
declare const performance: { now(): number };
declare const crypto: { randomUUID(): string };
