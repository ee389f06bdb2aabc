// Where the CLI writes: injectable so subcommands can be tested without a process.
export interface Io {
  out(text: string): void;
  /**
   * Bytes (UTF-8 text) for standard output, `written` called once they are out (the bytes may be reused then); without
   * it they are decoded and given to `out`.
   */
  outBytes?(bytes: Uint8Array, written: () => void): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  outBytes: (b, written) => void process.stdout.write(b, () => written()),
  err: (t) => void process.stderr.write(t),
};
