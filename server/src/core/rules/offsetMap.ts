// Exact offset maps between an embedded query (unescaped text) and its host file. One map
// type serves TOML and JSON hosts so every language feature maps positions the same way.
import type { Range } from '../syntax/ast';

export interface OffsetMap {
  /** Length of the query text the map covers. */
  readonly length: number;
  /** Host offset of query offset `q`; q is clamped to [0, length]. */
  toHost(q: number): number;
  /** Query offset of host offset `h`; undefined outside [toHost(0), toHost(length)]. A host offset inside an
   * escape sequence maps to the start of the character it produces. */
  toQuery(h: number): number | undefined;
  /** Host range of a query range. */
  rangeToHost(r: Range): Range;
}

/** Collects, unit by unit, which host offset each produced query code unit comes from. */
export class OffsetMapBuilder {
  private readonly hostOf: number[] = [];
  private text = '';

  /** Host text copied verbatim: unit i comes from host offset `hostStart + i`. */
  verbatim(host: string, hostStart: number, hostEnd: number): void {
    if (hostEnd <= hostStart) return;
    for (let h = hostStart; h < hostEnd; h++) this.hostOf.push(h);
    this.text += host.slice(hostStart, hostEnd);
  }

  /** An escape spanning host [hostStart, hostEnd) producing `produced`. Each produced unit gets its own host
   * offset inside the escape (escapes are at least two characters long, units at most two), so the map stays
   * strictly increasing and q -> h -> q round-trips for every offset. */
  escape(produced: string, hostStart: number, hostEnd: number): void {
    for (let i = 0; i < produced.length; i++) this.hostOf.push(Math.min(hostStart + i, hostEnd - 1));
    this.text += produced;
  }

  get query(): string {
    return this.text;
  }

  /** `hostEnd` is the host offset just after the last content character (the closing delimiter's start). */
  build(hostEnd: number): OffsetMap {
    this.hostOf.push(hostEnd);
    return makeOffsetMap(Int32Array.from(this.hostOf));
  }
}

/** A map for text copied verbatim from host offset `start`. */
export function identityMap(start: number, length: number): OffsetMap {
  return {
    length,
    toHost: (q) => start + clamp(q, length),
    toQuery: (h) => (h >= start && h <= start + length ? h - start : undefined),
    rangeToHost: (r) => ({ start: start + clamp(r.start, length), end: start + clamp(r.end, length) }),
  };
}

function clamp(q: number, length: number): number {
  return q < 0 ? 0 : q > length ? length : q;
}

function makeOffsetMap(hostOf: Int32Array): OffsetMap {
  const length = hostOf.length - 1;
  const toHost = (q: number) => hostOf[clamp(q, length)];
  return {
    length,
    toHost,
    toQuery(h) {
      if (h < hostOf[0] || h > hostOf[length]) return undefined;
      // Largest q with hostOf[q] <= h.
      let lo = 0;
      let hi = length;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (hostOf[mid] <= h) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    },
    rangeToHost: (r) => ({ start: toHost(r.start), end: toHost(r.end) }),
  };
}
