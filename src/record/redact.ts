/**
 * Redaction rules, compiled once at `createLogger` and consulted by the value walker.
 *
 * - Key rules match a key at any depth, case-insensitively. The default list matches a key
 *   when one of its words (split at `_`, `-`, `.`, spaces and camelCase humps) is one of
 *   `authorization`, `cookie`, `password`, `passwd`, `secret`, `token`, `apikey`, or when its
 *   words contain `api key` / `private key` in a row: `Authorization`, `set-cookie`,
 *   `db_password`, `clientSecret`, `x-api-key`, `private_key`, `accessToken` all match;
 *   `tokenizer`, `max_tokens`, `secretary` do not. User keys match whole keys,
 *   case-insensitively.
 * - Path rules (`req.headers.x-api-key`, `users.*.email`) match from the record's attribute
 *   root; `*` matches any one key or array index. Segments compare case-insensitively.
 *
 * Verdicts per key are cached (bounded), so a hot key costs one Map lookup.
 */
import { InvalidOptionError } from '../errors.js';

/** Replacement written in place of a redacted value. */
export const REDACTED = '[REDACTED]';

/** The default secret key words (see the module comment for how they match). */
export const DEFAULT_REDACT_KEYS: readonly string[] = Object.freeze([
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'passwd',
  'secret',
  'token',
  'api_key',
  'apikey',
  'private_key',
]);

/** The default keys as words: one-word keys match any word of a key, two-word ones a pair in a row. */
export const DEFAULT_SECRET_WORDS: ReadonlySet<string> = new Set(
  DEFAULT_REDACT_KEYS.map(splitWords)
    .filter((words) => words.length === 1)
    .map(([word]) => word),
);
const DEFAULT_PAIRS = DEFAULT_REDACT_KEYS.map(splitWords).filter((words) => words.length === 2);

/** A node of the path trie. Children are keyed by lower-cased segment. */
export interface PathNode {
  readonly children: Map<string, PathNode>;
  wildcard: PathNode | undefined;
  /** A path ends here: the value at this node is redacted. */
  terminal: boolean;
}

function newNode(): PathNode {
  return { children: new Map(), wildcard: undefined, terminal: false };
}

const CACHE_MAX = 4096;

/** {@link Redactor.verdict}: the value is replaced by the censor. */
export const KEY_CENSOR = 1;
/** {@link Redactor.verdict}: a string value is a URL; values of secret query parameters are censored. */
export const KEY_URL = 2;

/**
 * Keys whose string values are URLs (pino-std-serializers' and Fastify's `req.url`, Express's
 * `originalUrl`, OTel's `url.full`): their query string's secret values (`?token=…`) are
 * censored by the default rules.
 */
const URL_KEYS = new Set(['url', 'originalUrl', 'href', 'url.full', 'http.url', 'http.target']);

/** Compiled redaction rules. */
export class Redactor {
  /** Root of the path trie, or `undefined` when no paths are configured (the common case). */
  readonly paths: PathNode | undefined;
  readonly censor: string;
  readonly #defaults: boolean;
  readonly #keys: ReadonlySet<string>;
  readonly #cache = new Map<string, number>();
  /** False when there are no key rules at all: the walker then skips the lookup. */
  readonly hasKeyRules: boolean;

  constructor(options: {
    defaults: boolean;
    keys: readonly string[];
    paths: readonly string[];
    censor?: string;
  }) {
    this.#defaults = options.defaults;
    this.#keys = new Set(options.keys.map((k) => k.toLowerCase()));
    this.hasKeyRules = this.#defaults || this.#keys.size > 0;
    this.censor = options.censor ?? REDACTED;
    let root: PathNode | undefined;
    for (const path of options.paths) {
      root ??= newNode();
      let node = root;
      for (const segment of splitPath(path)) {
        if (segment === '*') node = node.wildcard ??= newNode();
        else {
          const key = segment.toLowerCase();
          let next = node.children.get(key);
          if (!next) {
            next = newNode();
            node.children.set(key, next);
          }
          node = next;
        }
      }
      node.terminal = true;
    }
    this.paths = root;
  }

  /** True when a value under `key` must be censored by a key rule. */
  matchesKey(key: string): boolean {
    return this.verdict(key) === KEY_CENSOR;
  }

  /**
   * What the key rules say about a value under `key`: {@link KEY_CENSOR}, {@link KEY_URL} (a
   * URL string whose secret query values are censored; default rules only) or 0 (nothing).
   * One Map lookup for a key seen before.
   */
  verdict(key: string): number {
    let verdict = this.#cache.get(key);
    if (verdict === undefined) {
      verdict = this.#compute(key);
      if (this.#cache.size >= CACHE_MAX) this.#cache.clear();
      this.#cache.set(key, verdict);
    }
    return verdict;
  }

  #compute(key: string): number {
    if (this.#keys.has(key.toLowerCase())) return KEY_CENSOR;
    if (!this.#defaults) return 0;
    const words = splitWords(key);
    for (let i = 0; i < words.length; i++) {
      if (DEFAULT_SECRET_WORDS.has(words[i])) return KEY_CENSOR;
      for (const [a, b] of DEFAULT_PAIRS) if (words[i] === a && words[i + 1] === b) return KEY_CENSOR;
    }
    return URL_KEYS.has(key) ? KEY_URL : 0;
  }
}

/** The trie node for `key` under `node` (exact segment first, then `*`). */
export function stepPath(node: PathNode, key: string): PathNode | undefined {
  return node.children.get(key.toLowerCase()) ?? node.wildcard;
}

/**
 * Splits a redaction path at dots; throws `InvalidOptionError` for an empty segment or an
 * unclosed bracket. A segment may itself contain dots when bracketed:
 * `attributes["http.request.header.x-api-key"]`.
 */
export function splitPath(path: string): string[] {
  const out: string[] = [];
  let i = 0;
  let current = '';
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      out.push(current);
      current = '';
      i++;
    } else if (c === '[' && (path[i + 1] === '"' || path[i + 1] === "'")) {
      const quote = path[i + 1];
      const close = path.indexOf(`${quote}]`, i + 2);
      if (close < 0) throw badPath(path);
      if (current) out.push(current);
      current = path.slice(i + 2, close);
      i = close + 2;
    } else {
      current += c;
      i++;
    }
  }
  out.push(current);
  if (out.some((s) => s === '')) throw badPath(path);
  return out;
}

function badPath(path: string): InvalidOptionError {
  return new InvalidOptionError('redact.paths', path, 'dotted paths like req.headers.x-api-key');
}

/** `x-api-key` → [x, api, key]; `accessToken` → [access, token]; `APIKey` → [api, key]. */
export function splitWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Rules used when no `redact` option is given: the default key list only. */
export const DEFAULT_REDACTOR = new Redactor({ defaults: true, keys: [], paths: [] });
/** No rules at all: `redact: false`, and resource and scope attributes (the operator's own). */
export const NO_REDACTOR = new Redactor({ defaults: false, keys: [], paths: [] });
