// Where the CLI writes: injectable so subcommands can be tested without a process.
export interface Io {
  out(text: string): void;
  /** Bytes (UTF-8 text) for standard output; without it they are decoded and given to `out`. */
  outBytes?(bytes: Uint8Array): void;
  /**
   * Resolves once standard output has taken what was written so far (a pipe whose reader is slower than the run
   * would otherwise queue the whole output in memory); without it writes are not waited for.
   */
  drained?(): Promise<void>;
  err(text: string): void;
}

export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  outBytes: (b) => void process.stdout.write(b),
  drained: () =>
    process.stdout.writableNeedDrain
      ? new Promise((resolve) => {
          const done = (): void => {
            process.stdout.off('drain', done).off('close', done);
            resolve();
          };
          process.stdout.once('drain', done).once('close', done);
        })
      : Promise.resolve(),
  err: (t) => void process.stderr.write(t),
};
