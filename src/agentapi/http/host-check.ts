// The Host-header allow list (§3.7): the DNS-rebinding guard of an API that has
// no authentication. It only matches against an already-normalised list and
// must never normalise the request's hostname beyond what Go's url.Parse does
// (lower-casing for comparison, dropping brackets and port): `127.1` is not
// `127.0.0.1`, and `localhost.` is not `localhost`.
import type { MiddlewareHandler } from 'hono';

/** Characters Go accepts unescaped in a URL host (besides letters, digits and bytes ≥ 0x80). */
const HOST_CHARS = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=\u0080-\uffff]|%[0-9A-Fa-f]{2})*$/;

/**
 * The hostname of `http://<hostHeader>` the way Go's url.Parse + Hostname()
 * see it, or `undefined` when that parse fails. The port is dropped, IPv6
 * brackets removed, case kept.
 */
export function hostnameFromHostHeader(hostHeader: string): string | undefined {
  // The authority ends where a path, query or fragment would start.
  let authority = hostHeader.split(/[/?#]/, 1)[0] ?? '';
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  let host: string;
  let port: string;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) return undefined;
    host = authority.slice(1, close);
    const rest = authority.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return undefined;
    port = rest.slice(1);
    if (!/^[0-9A-Fa-f:.]+(?:%25.+)?$/.test(host)) return undefined;
  } else {
    const colon = authority.lastIndexOf(':');
    host = colon >= 0 ? authority.slice(0, colon) : authority;
    port = colon >= 0 ? authority.slice(colon + 1) : '';
    if (!HOST_CHARS.test(host)) return undefined;
    try {
      host = decodeURIComponent(host);
    } catch {
      return undefined;
    }
  }
  if (!/^[0-9]*$/.test(port)) return undefined;
  return host;
}

export function badHostBody(allowedHosts: readonly string[] | '*'): string {
  const list = allowedHosts === '*' ? '*' : allowedHosts.join(', ');
  return `Invalid host header. Allowed hosts: ${list}\n`;
}

/** Go's http.Error answer: 400, text/plain, the list of allowed hosts. */
export function badHostResponse(allowedHosts: readonly string[] | '*'): Response {
  return new Response(badHostBody(allowedHosts), {
    status: 400,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
  });
}

export function isHostAllowed(hostHeader: string | undefined, allowedHosts: readonly string[] | '*'): boolean {
  if (allowedHosts === '*') return true;
  if (!hostHeader) return false;
  const hostname = hostnameFromHostHeader(hostHeader);
  if (hostname === undefined) return false;
  return allowedHosts.includes(hostname.toLowerCase());
}

/** Rejects requests whose Host is not allowed; runs before CORS, so preflights too. */
export function hostCheck(allowedHosts: readonly string[] | '*'): MiddlewareHandler {
  return async (c, next) => {
    if (!isHostAllowed(c.req.header('host'), allowedHosts)) return badHostResponse(allowedHosts);
    await next();
  };
}
