// Every request and notification handler runs through `guard`: an exception (thrown or
// rejected) becomes a logged error and an empty result, so no input can crash the server.
export type Logger = (message: string) => void;

export function describeError(e: unknown): string {
  if (e instanceof Error) return e.stack ?? `${e.name}: ${e.message}`;
  return String(e);
}

export function guard<A extends unknown[], R>(log: Logger, name: string, fallback: R, fn: (...args: A) => R | Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (e) {
      log(`[${name}] ${describeError(e)}`);
      return fallback;
    }
  };
}

/** The same for handlers whose result nobody waits for (notifications, events). */
export function guardVoid<A extends unknown[]>(log: Logger, name: string, fn: (...args: A) => unknown): (...args: A) => void {
  return (...args: A) => {
    try {
      const r = fn(...args);
      if (r instanceof Promise) r.catch((e: unknown) => log(`[${name}] ${describeError(e)}`));
    } catch (e) {
      log(`[${name}] ${describeError(e)}`);
    }
  };
}
