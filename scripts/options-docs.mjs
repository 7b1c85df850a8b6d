#!/usr/bin/env node
/**
 * Regenerates the option tables of docs/configuration.md from the option schemas in src/
 * (config/schema.ts: one declaration per option) and, for the meaning column, the first
 * sentence of each option's TSDoc in the public `LoggerOptions` typings, so the text users see in
 * their editor and in the docs is written once. Each table sits between
 * `<!-- options:<section>:start -->` and `<!-- options:<section>:end -->`.
 *
 *   node scripts/options-docs.mjs           rewrite the tables
 *   node scripts/options-docs.mjs --check   exit 1 when a table is stale (CI, test/build)
 *   --doc <file>                            another copy of the page (tests)
 *
 * Imports src/ through tsx's loader, as bench/*.mjs do: no build step.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';

register();
const { optionTypings } = await import('./option-typings.ts');
const { LOGGER_OPTIONS } = await import('../src/config/options.ts');
const { FACADE_OPTIONS } = await import('../src/config/facade-options.ts');
const { RATE_LIMIT_OPTIONS } = await import('../src/config/rate-limit.ts');
const { TAIL_OPTIONS, SAMPLING_OPTIONS } = await import('../src/config/tail.ts');
const { EXPORT_OPTIONS } = await import('../src/export/options.ts');
const { PIPELINE_OPTIONS } = await import('../src/batch/options.ts');
const { SPOOL_OPTIONS } = await import('../src/spool/options.ts');
const { RECORD_OPTIONS } = await import('../src/record/options.ts');
const { RESOURCE_OPTIONS } = await import('../src/resource/options.ts');

const { values: args } = parseArgs({
  options: { check: { type: 'boolean', default: false }, doc: { type: 'string' } },
});
const DOC = args.doc ?? fileURLToPath(new URL('../docs/configuration.md', import.meta.url));

/**
 * One table per section. Groups are expanded inline (`retry.maxAttempts`), except those with
 * a section of their own, which get one row pointing there.
 */
const SECTIONS = {
  logger: { schema: LOGGER_OPTIONS, prefix: '' },
  facade: { schema: FACADE_OPTIONS, prefix: '' },
  export: { schema: EXPORT_OPTIONS, prefix: '' },
  batch: { schema: PIPELINE_OPTIONS, prefix: '' },
  spool: { schema: SPOOL_OPTIONS, prefix: 'spool.' },
  record: { schema: RECORD_OPTIONS, prefix: '' },
  resource: { schema: RESOURCE_OPTIONS, prefix: '' },
  'rate-limit': { schema: RATE_LIMIT_OPTIONS, prefix: 'rateLimit.' },
  tail: { schema: TAIL_OPTIONS, prefix: 'tail.' },
  sampling: { schema: SAMPLING_OPTIONS, prefix: 'sampling.' },
};
const OWN_SECTION = { spool: 'spool', rateLimit: 'rate-limit', tail: 'tail', sampling: 'sampling' };

/** The first sentence of an option's TSDoc in the `LoggerOptions` typings (`e.g.` and `i.e.` do not end one). */
function typingsDocs() {
  const docs = optionTypings();
  return (path) => {
    const doc = docs(path);
    if (!doc) throw new Error(`${path}: not in the LoggerOptions typings`);
    const text = doc.text
      .replace(/\{@link (\w+)\}/g, '$1')
      .replace(/\s+/g, ' ')
      .trim();
    return text.match(/^.*?(?<!e\.g|i\.e)\.(?=\s|$)/)?.[0] ?? text;
  };
}
const docOf = typingsDocs();

const KiB = 1024;
const MiB = 1024 * 1024;

function size(n) {
  if (n >= MiB && n % MiB === 0) return ` (${n / MiB} MiB)`;
  if (n >= KiB && n % KiB === 0) return ` (${n / KiB} KiB)`;
  return '';
}

function defaultCell(path, spec) {
  if (spec.defaultText !== undefined) return spec.defaultText;
  if (spec.required) return 'required';
  const value = spec.default;
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return 'none';
  if (typeof value === 'function') throw new Error(`${path}: a computed default needs defaultText`);
  if (typeof value === 'number') return `\`${value}\`${/Bytes$/.test(path) ? size(value) : ''}`;
  if (typeof value === 'string') return `\`'${value}'\``;
  return `\`${String(value)}\``;
}

function envCell(spec) {
  if (spec.envText !== undefined) return spec.envText;
  return spec.env?.length ? spec.env.map((name) => `\`${name}\``).join(' / ') : '–';
}

function rows(schema, prefix) {
  const out = [];
  for (const [key, spec] of Object.entries(schema)) {
    const path = `${prefix}${key}`;
    const own = prefix === '' ? OWN_SECTION[key] : undefined;
    if (spec.group && own === undefined && !spec.deprecated) {
      out.push(...rows(spec.group, `${path}.`));
      continue;
    }
    const text = spec.deprecated
      ? `Deprecated: use \`${spec.deprecated}\`, which it maps onto.`
      : docOf(path);
    if (!text) throw new Error(`${path}: no TSDoc in the LoggerOptions typings`);
    const doc = own ? `${text} See [${key}](#options-${own}).` : text;
    out.push(`| \`${path}\` | ${spec.accepts} | ${envCell(spec)} | ${defaultCell(path, spec)} | ${doc} |`);
  }
  return out;
}

function table(section) {
  const { schema, prefix } = SECTIONS[section];
  return [
    '| option | accepts | env var | default | |',
    '| --- | --- | --- | --- | --- |',
    ...rows(schema, prefix),
  ].join('\n');
}

/** `text` with every section's table regenerated; throws when a marker pair is missing. */
function render(text) {
  let out = text;
  for (const section of Object.keys(SECTIONS)) {
    const start = `<!-- options:${section}:start -->`;
    const end = `<!-- options:${section}:end -->`;
    const a = out.indexOf(start);
    const b = out.indexOf(end);
    if (a === -1 || b < a) throw new Error(`docs/configuration.md: missing ${start} … ${end}`);
    out = `${out.slice(0, a + start.length)}\n${table(section)}\n${out.slice(b)}`;
  }
  return out;
}

const current = readFileSync(DOC, 'utf8');
const fresh = render(current);
if (args.check) {
  if (fresh !== current) {
    console.error(
      'docs/configuration.md: the option tables are stale (an option schema in src/ changed). Run `npm run docs:options` and commit the result.',
    );
    process.exit(1);
  }
  console.log('docs/configuration.md: option tables are up to date');
} else if (fresh !== current) {
  writeFileSync(DOC, fresh);
  console.log('docs/configuration.md: option tables regenerated');
} else {
  console.log('docs/configuration.md: option tables already up to date');
}
