/**
 * A small flag parser: `--name value`, `--name=value`, `--flag` for booleans, repeatable
 * values, and an environment variable per flag (ATTACHE_<NAME>), so every flag of
 * `attache serve` can be set either way. Unknown flags are errors that name the flag.
 */
export interface FlagSpec {
  name: string;
  description: string;
  default?: string;
  boolean?: boolean;
  repeatable?: boolean;
  /** A one-letter alias, as in `-f FILE` (kubectl style). */
  short?: string;
}

export interface ParsedFlags {
  values: Map<string, string[]>;
  positional: string[];
}

/** The command line is wrong (unknown flag, bad value): exit code 2. */
export class UsageError extends Error {}

/** The command could not do its job (server unreachable, bad input): exit code 1, message on stderr. */
export class CommandError extends Error {}

export function envName(flag: string): string {
  return `ATTACHE_${flag.toUpperCase().replace(/-/g, '_')}`;
}

export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], env: NodeJS.ProcessEnv = process.env): ParsedFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  for (const s of specs) if (s.short) byName.set(s.short, s);
  const values = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const isShort = /^-[a-zA-Z]$/.test(arg);
    if (!arg.startsWith('--') && !isShort) {
      positional.push(arg);
      continue;
    }
    const [rawName, inline] = isShort ? [arg.slice(1), undefined] : arg.slice(2).split(/=(.*)/s, 2);
    const spec = byName.get(rawName);
    if (!spec) throw new UsageError(`unknown flag ${isShort ? '-' : '--'}${rawName}`);
    let value = inline;
    if (value === undefined) value = spec.boolean ? 'true' : argv[++i];
    if (value === undefined) throw new UsageError(`flag --${rawName} needs a value`);
    values.set(spec.name, spec.repeatable ? [...(values.get(spec.name) ?? []), value] : [value]);
  }
  for (const spec of specs) {
    if (values.has(spec.name)) continue;
    const fromEnv = env[envName(spec.name)];
    if (fromEnv !== undefined) values.set(spec.name, spec.repeatable ? fromEnv.split(',') : [fromEnv]);
    else if (spec.default !== undefined) values.set(spec.name, [spec.default]);
  }
  return { values, positional };
}

export function flag(parsed: ParsedFlags, name: string): string | undefined {
  return parsed.values.get(name)?.[0];
}

export function flagList(parsed: ParsedFlags, name: string): string[] {
  return parsed.values.get(name) ?? [];
}

export function usage(command: string, summary: string, specs: readonly FlagSpec[]): string {
  const lines = specs.map((s) => {
    const left = `  ${s.short ? `-${s.short}, ` : ''}--${s.name}${s.boolean ? '' : ' VALUE'}`;
    const def = s.default !== undefined ? ` (default ${s.default})` : '';
    return `${left.padEnd(30)} ${s.description}${def} [env ${envName(s.name)}]`;
  });
  return `Usage: attache ${command} [flags]\n\n${summary}\n\nFlags:\n${lines.join('\n')}\n`;
}

/** `host:port` → parts; a bare port means 127.0.0.1 (loopback by default). */
export function parseHostPort(value: string, flagName: string): { host: string; port: number } {
  const m = /^(?:(.*):)?(\d+)$/.exec(value);
  if (!m) throw new UsageError(`--${flagName}: expected HOST:PORT, got "${value}"`);
  return { host: m[1] || '127.0.0.1', port: Number(m[2]) };
}
