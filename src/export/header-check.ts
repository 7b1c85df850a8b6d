/**
 * Checks an export header at `createLogger`. A header undici refuses (a name outside the HTTP
 * token grammar, a value with CR/LF/NUL) would otherwise fail every request of every batch,
 * forever, long after start. Errors name the header, never its value (it is usually a credential).
 */
import { InvalidOptionError, notShown } from '../errors.js';

/** RFC 9110 `token`: the characters a header name may hold. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** What undici accepts in a value: tab, visible ASCII, space, and obs-text (0x80–0xFF). */
const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** Headers podlog or undici set themselves; a second copy would break the request. */
const MANAGED = new Set([
  'connection',
  'content-encoding',
  'content-length',
  'content-type',
  'expect',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Throws `InvalidOptionError` naming `option` (`headers.<name>` or the env var) unless `name`
 * is a valid, not podlog-managed header name and `value` a string without control characters.
 */
export function checkHeader(name: string, value: unknown, option: string): void {
  if (!TOKEN.test(name)) {
    throw new InvalidOptionError(
      option,
      name.length > 40 ? notShown(name) : name,
      "a header name made of letters, digits and !#$%&'*+-.^_`|~ (no spaces, colons or line breaks)",
    );
  }
  if (MANAGED.has(name.toLowerCase())) {
    throw new InvalidOptionError(
      option,
      name,
      'a header podlog does not set itself (not connection, content-*, expect, keep-alive, transfer-encoding, upgrade)',
    );
  }
  if (typeof value !== 'string') {
    throw new InvalidOptionError(option, notShown(value), `a string value for header ${name}`);
  }
  if (BAD_VALUE_CHAR.test(value)) {
    throw new InvalidOptionError(
      option,
      notShown(value, 'has a control character or a character above U+00FF; value not shown'),
      `a value for header ${name} without CR, LF, NUL or other control characters`,
    );
  }
}
