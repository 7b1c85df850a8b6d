/**
 * What of the endpoint may appear in a diagnostic: scheme, host, port and path. Never the
 * user-info or the query string (both are common places for API keys), never header values.
 */

/** `https://host:port/path`, without credentials or query. */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}
