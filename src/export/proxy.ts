/**
 * Which proxy, if any, the exporter goes through: the `proxy` option, else `https_proxy` /
 * `HTTPS_PROXY` for https endpoints and `http_proxy` / `HTTP_PROXY` for http ones (lower-case
 * first, as curl does), unless `NO_PROXY` / `no_proxy` matches the endpoint host.
 *
 * Not undici's `EnvHttpProxyAgent`, which picks per request inside the dispatcher: podlog
 * decides once, at `createLogger`, so a bad proxy URL fails fast (naming the variable) and the
 * proxy's credentials are known to the masking. It also differs where podlog follows curl: an
 * IPv6 entry without brackets (`NO_PROXY=::1`) matches `[::1]`, which undici 7 reads as host `:`
 * port 1 and proxies; and `HTTP_PROXY` alone does not proxy an https endpoint.
 */
import { firstEnv } from '../config/validate.js';
import type { Env } from '../env.js';
import { InvalidOptionError } from '../errors.js';

/**
 * Whether `NO_PROXY` excludes the endpoint. Entries are comma/space separated: `*` (everything),
 * a host or IP (exact), `.example.com` / `*.example.com` / `example.com` (the domain and its
 * subdomains), each optionally with `:port`.
 */
export function matchesNoProxy(endpoint: URL, noProxy: string): boolean {
  const host = endpoint.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = endpoint.port || (endpoint.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let entryPort: string | undefined;
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (m) {
      entry = m[1];
      entryPort = m[2];
    }
    entry = entry.replace(/^\[|\]$/g, '');
    if (entryPort && entryPort !== port) continue;
    if (entry.startsWith('*.')) entry = entry.slice(1);
    if (entry.startsWith('.')) {
      if (host.endsWith(entry) || host === entry.slice(1)) return true;
    } else if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

function parseProxy(value: unknown, option: string): URL {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value.includes('://') ? value : `http://${value}`) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    // A proxy URL often carries user:password: InvalidOptionError shows it without user-info.
    throw new InvalidOptionError(option, value, 'an http:// or https:// proxy URL, e.g. http://proxy:3128');
  }
  return url;
}

export function resolveProxy(value: string | false | undefined, endpoint: URL, env: Env): URL | undefined {
  if (value === false) return undefined;
  if (value !== undefined) return parseProxy(value, 'proxy');
  // Lower case first, as curl reads them.
  const given = firstEnv(
    env,
    endpoint.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY'],
  );
  if (!given) return undefined;
  const noProxy = firstEnv(env, ['no_proxy', 'NO_PROXY']);
  if (noProxy && matchesNoProxy(endpoint, noProxy.value)) return undefined;
  return parseProxy(given.value, given.option);
}
