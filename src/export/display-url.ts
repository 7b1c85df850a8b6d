/**
 * What of the export configuration may appear in a diagnostic, and what never may. A line shows
 * the endpoint as scheme, host, port and path: never its user-info or query string (both are
 * common places for API keys), never header values. Text from elsewhere (a response body, an
 * undici error) is bounded and masked against {@link exportSecrets} (`maskText`) before it is shown.
 */

/** Longest body excerpt put in a diagnostic. */
const EXCERPT_CHARS = 256;

/** A bounded, single-line excerpt of a response body with known secrets masked. */
export function excerpt(body: Uint8Array, secrets: readonly string[] = []): string {
  return maskText(Buffer.from(body.subarray(0, EXCERPT_CHARS * 4)).toString('utf8'), secrets);
}

/**
 * `text` bounded, on one line, with known secrets masked: for anything a server, a proxy or
 * the HTTP client put in a message that ends up in a diagnostic.
 */
export function maskText(text: string, secrets: readonly string[] = []): string {
  let out = text
    .slice(0, EXCERPT_CHARS * 4)
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim();
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[REDACTED]');
  return out.length > EXCERPT_CHARS ? `${out.slice(0, EXCERPT_CHARS)}…` : out;
}

/** `https://host:port/path`, without credentials or query. */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * Every string of the configuration that must be masked wherever it turns up: header values
 * and their parts (a body may echo the bare token of `Bearer <token>`, or the base64 of a
 * `Basic` pair), the endpoint's user-info and query values, and the proxy's user-info (raw or
 * percent-decoded, as a proxy or undici error may echo either). Longest first, so a secret
 * that contains another is masked whole.
 */
export function exportSecrets(
  headers: Readonly<Record<string, string>>,
  endpoint: URL,
  proxy: URL | undefined,
): string[] {
  const out = new Set<string>();
  for (const v of Object.values(headers)) {
    out.add(v);
    for (const p of v.split(/\s+/)) if (p.length >= 8) out.add(p);
  }
  addUserInfo(out, endpoint);
  // Short query values (`?v=1`) are not secrets, and masking them would garble every line.
  for (const [, value] of endpoint.searchParams) if (value.length >= 6) out.add(value);
  for (const raw of endpoint.search.slice(1).split('&')) {
    const value = raw.slice(raw.indexOf('=') + 1);
    if (value.length >= 6) out.add(value);
  }
  addUserInfo(out, proxy);
  return [...out].sort((a, b) => b.length - a.length);
}

/** A URL component percent-decoded, or as written when its escapes are malformed. */
export function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** A URL's user name and password, as written and percent-decoded. */
function addUserInfo(out: Set<string>, url: URL | undefined): void {
  for (const part of [url?.username, url?.password]) {
    if (!part) continue;
    out.add(part);
    out.add(decoded(part));
  }
}
