/**
 * Every option's default is declared once, in its stage's schema (config/schema.ts); the TSDoc of
 * the `XOptions` typings repeats it in prose for the editor ("Default 512 KiB."). This test reads
 * that prose from the typings behind `LoggerOptions` and fails when it disagrees with the schema,
 * so a changed default cannot leave a stale sentence behind.
 */
import { describe, expect, it } from 'vitest';
import { optionTypings } from '../../scripts/option-typings.js';
import type { OptionSpec, Schema } from '../../src/config/index.js';
import { ALL_OPTIONS } from '../../src/config/index.js';

/** The full TSDoc (text and `@defaultValue` tags) of each option path of `LoggerOptions`. */
function typingsDocs(): (path: string) => string | undefined {
  const docs = optionTypings();
  return (path) => {
    const doc = docs(path);
    return doc && [doc.text, ...doc.defaultTags].join(' ').replace(/\s+/g, ' ');
  };
}

/** Every option a schema declares, by path (groups expanded, as in docs/configuration.md). */
function* options(schema: Schema, prefix: string): Generator<[string, OptionSpec]> {
  for (const [key, spec] of Object.entries(schema)) {
    if (spec.deprecated) continue;
    yield [`${prefix}${key}`, spec];
    if (spec.group) yield* options(spec.group, `${prefix}${key}.`);
  }
}

/** The default a TSDoc states: "Default 512 KiB", "Default: none", "1–64, default 8". */
function statedDefault(doc: string): string | undefined {
  return /(?:\bDefault|,\s*default):?\s+((?:`[^`]*`|[^.`]|\.(?=\d))+)/.exec(doc)?.[1].trim();
}

const UNITS: Record<string, number> = { KiB: 1024, MiB: 1024 * 1024, ms: 1, s: 1000, h: 3_600_000 };

/** A stated default as a value: a number with its unit, a `code` literal, or the first word of prose. */
function parseDefault(text: string): { value: unknown } | { prose: string } {
  const code = /^`([^`]*)`/.exec(text)?.[1];
  if (code !== undefined) {
    if (code === 'true' || code === 'false') return { value: code === 'true' };
    if (/^\d+$/.test(code)) return { value: Number(code) };
    return { value: /^(['"]).*\1$/.test(code) ? code.slice(1, -1) : code };
  }
  const num = /^(\d{1,3}(?:[, ]\d{3})+|\d+(?:\.\d+)?)\s*(KiB|MiB|ms|s|h)?\b/.exec(text);
  if (num) return { value: Number(num[1].replace(/[, ]/g, '')) * (UNITS[num[2] ?? ''] ?? 1) };
  return {
    prose: text
      .replace(/`/g, '')
      .split(/[\s,(]/)[0]
      .toLowerCase(),
  };
}

/** Why the default stated for `spec` disagrees with it, or undefined when it agrees. */
function disagreement(stated: string, spec: OptionSpec): string | undefined {
  const doc = parseDefault(stated);
  const plain = spec.default !== undefined && typeof spec.default !== 'function';
  if (plain && !Array.isArray(spec.default)) {
    if ('value' in doc && Object.is(doc.value, spec.default)) return undefined;
    return `the schema's default is ${JSON.stringify(spec.default)}`;
  }
  // A computed, list or custom default: the schema states it as docs text (`defaultText`).
  const text = spec.defaultText ?? (spec.required ? 'required' : 'none');
  if ('value' in doc) {
    const declared = parseDefault(text);
    if ('value' in declared && Object.is(declared.value, doc.value)) return undefined;
    const shown = typeof doc.value === 'string' ? doc.value : String(doc.value);
    return text.includes(`\`${shown}\``) || text.includes(`'${shown}'`) || text.includes(`"${shown}"`)
      ? undefined
      : `the schema's default text is ${text}`;
  }
  const declared = text.replace(/`/g, '').toLowerCase();
  return declared.startsWith(doc.prose) ? undefined : `the schema's default text is ${text}`;
}

describe('option defaults in the TSDoc of the options typings', () => {
  const docOf = typingsDocs();

  it('agree with the schema defaults', () => {
    const wrong: string[] = [];
    let checked = 0;
    // `spool` and `rateLimit` are `custom` options that carry their group's schema.
    for (const schema of Object.values(ALL_OPTIONS)) {
      for (const [path, spec] of options(schema, '')) {
        // tail and sampling are declared by the facade's own block in config/tail.ts.
        if (path === 'tail' || path === 'sampling') continue;
        const doc = docOf(path);
        if (doc === undefined) {
          wrong.push(`${path}: declared in a schema but not in the LoggerOptions typings`);
          continue;
        }
        const stated = statedDefault(doc);
        if (stated === undefined) continue;
        checked++;
        const why = disagreement(stated, spec);
        if (why) wrong.push(`${path}: TSDoc says "Default ${stated}", but ${why}`);
      }
    }
    expect(wrong).toEqual([]);
    // Most options state their default; a parser that found none would pass vacuously.
    expect(checked).toBeGreaterThan(40);
  }, 60_000);

  it('reads the forms the typings use', () => {
    expect(statedDefault('Records per batch. Default 2048 (the OTel SDK default).')).toBe(
      '2048 (the OTel SDK default)',
    );
    expect(statedDefault('Deepest nesting kept. 1–64, default 8.')).toBe('8');
    expect(statedDefault('Apply the default secret-key list. Default `true`.')).toBe('`true`');
    expect(statedDefault('No default here')).toBeUndefined();
    expect(parseDefault('20 000 ms')).toEqual({ value: 20_000 });
    expect(parseDefault('10,000')).toEqual({ value: 10_000 });
    expect(parseDefault('512 KiB')).toEqual({ value: 512 * 1024 });
    expect(parseDefault('8 MiB/s')).toEqual({ value: 8 * 1024 * 1024 });
    expect(parseDefault('24 h')).toEqual({ value: 86_400_000 });
    expect(parseDefault("`''`")).toEqual({ value: '' });
    expect(parseDefault('`http/protobuf`')).toEqual({ value: 'http/protobuf' });
    expect(parseDefault('off')).toEqual({ prose: 'off' });
  });

  it('catches a stale default', () => {
    expect(disagreement('500 ms', { accepts: 'ms', default: 500 })).toBeUndefined();
    expect(disagreement('1000', { accepts: 'ms', default: 500 })).toMatch(/default is 500/);
    expect(disagreement('`true`', { accepts: 'bool', default: false })).toMatch(/default is false/);
    expect(disagreement('off', { accepts: 'object', defaultText: 'on' })).toMatch(/default text is on/);
    expect(disagreement('`info`', { accepts: 'level', defaultText: '`warn`' })).toMatch(/default text/);
    expect(disagreement('`info`', { accepts: 'level', defaultText: '`info`' })).toBeUndefined();
  });
});
