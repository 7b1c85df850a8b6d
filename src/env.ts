import { InvalidOptionError } from './errors.js';

/** The environment podlog reads its settings from: `process.env`, or the `env` option in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * `name`'s value, trimmed; undefined when unset or blank. Every env read in podlog goes through
 * here. A non-string (from a hand-built `env` option) counts as unset: reading env never throws.
 */
export function envValue(env: Env, name: string): string | undefined {
  const value: unknown = env[name];
  return typeof value === 'string' ? value.trim() || undefined : undefined;
}

/**
 * The OTel list format of `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_EXPORTER_OTLP_HEADERS`:
 * `k=v,k2=v2`, keys and values trimmed and percent-decoded, empty entries skipped. What is wrong
 * with a malformed list is returned, not thrown: the exporter refuses it, resource detection
 * ignores it with a warning.
 */
export function parseKeyValueList(
  text: string,
): { pairs: Record<string, string> } | { problem: 'not-pairs' | 'bad-encoding' } {
  const pairs: Record<string, string> = {};
  for (const part of text.split(',')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) return { problem: 'not-pairs' };
    try {
      pairs[decodeURIComponent(trimmed.slice(0, eq).trim())] = decodeURIComponent(
        trimmed.slice(eq + 1).trim(),
      );
    } catch {
      return { problem: 'bad-encoding' };
    }
  }
  return { pairs };
}

/** The OTLP exporter env vars of a setting, signal-specific first: `OTEL_EXPORTER_OTLP_LOGS_<name>`, `OTEL_EXPORTER_OTLP_<name>`. */
export function otlpEnv(name: string): readonly string[] {
  return [`OTEL_EXPORTER_OTLP_LOGS_${name}`, `OTEL_EXPORTER_OTLP_${name}`];
}

/** The first of `names` set to a non-blank value in `env`, trimmed, with the name it came from. */
export function firstEnv(env: Env, names: readonly string[]): { value: string; option: string } | undefined {
  for (const name of names) {
    const value = envValue(env, name);
    if (value) return { value, option: name };
  }
  return undefined;
}

const TRUE = /^(1|true|yes|on)$/i;
const FALSE = /^(0|false|no|off)$/i;

/** A yes/no env var (`1`/`true`/`yes`/`on`, `0`/`false`/`no`/`off`), or undefined when unset or blank. */
export function envBoolean(env: Env, name: string): boolean | undefined {
  const raw = envValue(env, name);
  if (raw === undefined) return undefined;
  if (TRUE.test(raw)) return true;
  if (FALSE.test(raw)) return false;
  throw new InvalidOptionError(name, raw, '1, true, yes or on; or 0, false, no or off');
}
