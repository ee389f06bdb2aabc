// Where the CLI writes: injectable so subcommands can be tested without a process.
export interface Io {
  out(text: string): void;
  /** Bytes (UTF-8 text) for standard output; without it they are decoded and given to `out`. */
  outBytes?(bytes: Uint8Array): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  outBytes: (b) => void process.stdout.write(b),
  err: (t) => void process.stderr.write(t),
};
