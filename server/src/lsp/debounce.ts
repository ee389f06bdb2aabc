// Per-document debouncing of diagnostics: typing fast re-checks once, after a pause.
export class Debouncer {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  constructor(private readonly delayMs: number) {}

  schedule(key: string, run: () => void, delayMs = this.delayMs): void {
    this.cancel(key);
    if (delayMs <= 0) {
      run();
      return;
    }
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        run();
      }, delayMs),
    );
  }

  cancel(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }
}
