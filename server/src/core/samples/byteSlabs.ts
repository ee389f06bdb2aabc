/**
 * Many small byte strings in few allocations: 1 MB buffers filled one after another. A run that holds thousands of
 * events' JSON as bytes (io/heldEvent.ts; reader.ts LineEvent) holds them outside the JavaScript heap, where no garbage
 * collection walks or copies them, and an allocation per event (~2.5 µs, and more collections) is not paid.
 */
const SLAB_BYTES = 1 << 20;
/** Bytes up to this size go into a slab; larger ones have memory of their own. */
export const SLAB_MOST = SLAB_BYTES / 4;

const encoder = new TextEncoder();

export class ByteSlabs {
  /** The buffer being filled, and where its free room starts. */
  buf = new Uint8Array(0);
  at = 0;

  /** The current buffer with room for `most` more bytes at `at` (a new one when it has not). */
  private room(most: number): Uint8Array {
    if (this.at + most > this.buf.length) {
      this.buf = new Uint8Array(SLAB_BYTES);
      this.at = 0;
    }
    return this.buf;
  }

  /** Writes `text` as UTF-8 into the current buffer (a new one when it may not fit): where its bytes start; they end at `at`. */
  write(text: string): number {
    const buf = this.room(text.length * 3);
    const start = this.at;
    this.at += encoder.encodeInto(text, buf.subarray(start)).written;
    return start;
  }

  /** `text` as UTF-8 bytes in a buffer. */
  bytes(text: string): Uint8Array {
    const start = this.write(text);
    return this.buf.subarray(start, this.at);
  }

  /** A copy of `bytes` in a buffer. */
  copy(bytes: Uint8Array): Uint8Array {
    const buf = this.room(bytes.length);
    const start = this.at;
    buf.set(bytes, start);
    this.at += bytes.length;
    return buf.subarray(start, this.at);
  }
}
