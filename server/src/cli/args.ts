// A small argument parser for eql-rules: `--flag value`, `--flag=value`, boolean flags,
// and positionals. Unknown flags are usage errors, reported by the caller with exit 2.
export class UsageError extends Error {}

export interface FlagSpec {
  /** Takes a value (`--format json`); otherwise a boolean switch. */
  value?: boolean;
  /** May be given several times (values accumulate); with `value` only. */
  repeat?: boolean;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string[]>;
  help: boolean;
}

/**
 * `variadicFlags` (e.g. `--events a b c`) keep taking the following non-flag words as values,
 * as users write `--events samples/a.json samples/b.json`.
 */
export function parseArgs(argv: readonly string[], specs: Record<string, FlagSpec>, variadicFlags: readonly string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  let help = false;
  let variadic: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      variadic = undefined;
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      const spec = specs[name];
      if (!spec) throw new UsageError(`unknown option --${name}`);
      let value: string;
      if (spec.value) {
        if (eq > 0) value = arg.slice(eq + 1);
        else {
          const next = argv[i + 1];
          if (next === undefined || (next.startsWith('--') && next.length > 2)) throw new UsageError(`--${name} needs a value`);
          value = next;
          i++;
        }
        if (variadicFlags.includes(name)) variadic = name;
      } else {
        if (eq > 0) throw new UsageError(`--${name} takes no value`);
        value = 'true';
      }
      const list = flags.get(name) ?? [];
      if (list.length > 0 && !spec.repeat) throw new UsageError(`--${name} given twice`);
      list.push(value);
      flags.set(name, list);
      continue;
    }
    if (variadic) flags.get(variadic)?.push(arg);
    else positionals.push(arg);
  }
  return { positionals, flags, help };
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  return args.flags.get(name)?.[0];
}

export function oneOf<T extends string>(args: ParsedArgs, name: string, allowed: readonly T[], fallback: T): T {
  const v = flag(args, name);
  if (v === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${v}")`);
  return v as T;
}

/** A positive integer option (timeouts, counts: where 0 means nothing useful). */
export function positiveInt(args: ParsedArgs, name: string): number | undefined {
  const v = flag(args, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--${name} must be a positive integer (got "${v}")`);
  return Number(v);
}

/** A flag naming a field: absent, or a non-empty name. */
export function fieldName(args: ParsedArgs, name: string): string | undefined {
  const v = flag(args, name);
  if (v !== undefined && v.trim() === '') throw new UsageError(`--${name} needs a field name (got an empty string)`);
  return v;
}

/**
 * An integer option of at least `min` — the bound Elasticsearch's _eql/search validation puts on the
 * same request parameter (`size` >= 0, `max_samples_per_key` >= 1), so the CLI refuses only what a
 * cluster would refuse.
 */
export function intAtLeast(args: ParsedArgs, name: string, min: number): number | undefined {
  const v = flag(args, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v)))
    throw new UsageError(`--${name} must be an integer >= ${min} (got "${v}")`);
  return Number(v);
}
