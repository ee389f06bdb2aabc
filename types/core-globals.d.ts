// The only host globals core uses, present in both node and browsers (core's tsconfig has neither
// the DOM nor node's types, so it declares exactly these).
declare const performance: { now(): number };
declare const crypto: { randomUUID(): string };
declare function atob(data: string): string;
/** WHATWG URL (node and browsers), the parts core reads. */
declare class URL {
  constructor(url: string, base?: string);
  readonly protocol: string;
  readonly host: string;
  readonly hostname: string;
  readonly port: string;
  readonly pathname: string;
  readonly username: string;
  readonly password: string;
}
/** WHATWG encoding (node and browsers): UTF-8 only, the parts core uses (samples/recordsText.ts, samples/byteSlabs.ts). */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
declare class TextDecoder {
  constructor(label?: string);
  decode(input?: Uint8Array): string;
}
/** WebAssembly (node and browsers), the parts core uses (samples/recordScan.ts). */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module);
    readonly exports: unknown;
  }
}
