// CORS as go-chi/cors answers it for agentapi's options (§3.8). A disallowed
// origin is never rejected: the request (or preflight) proceeds without any
// Access-Control-Allow-* header, and the browser does the refusing. This
// middleware must never turn a preflight into a call of the route handler.
import type { MiddlewareHandler } from 'hono';

const ALLOWED_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'];
/** Canonical header names; go-chi/cors always adds `Origin`. */
const ALLOWED_HEADERS = ['Accept', 'Authorization', 'Content-Type', 'X-Csrf-Token', 'Origin'];
const EXPOSED_HEADERS = 'Link';
const MAX_AGE_SECONDS = '300';

/** Go's http.CanonicalHeaderKey for the token characters headers use. */
function canonicalHeaderName(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('-');
}

/** Matches normalised `scheme://host[:port]` entries, each with at most one `*`. */
export function createOriginMatcher(allowedOrigins: readonly string[] | '*'): (origin: string) => boolean {
  if (allowedOrigins === '*') return () => true;
  const exact = new Set<string>();
  const wildcards: { prefix: string; suffix: string }[] = [];
  for (const entry of allowedOrigins) {
    const lower = entry.toLowerCase();
    const star = lower.indexOf('*');
    if (star < 0) exact.add(lower);
    else wildcards.push({ prefix: lower.slice(0, star), suffix: lower.slice(star + 1) });
  }
  return (origin) => {
    const o = origin.toLowerCase();
    if (exact.has(o)) return true;
    return wildcards.some(
      (w) => o.length >= w.prefix.length + w.suffix.length && o.startsWith(w.prefix) && o.endsWith(w.suffix),
    );
  };
}

function parseHeaderList(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '')
    .map(canonicalHeaderName);
}

export function cors(allowedOrigins: readonly string[] | '*'): MiddlewareHandler {
  const originAllowed = createOriginMatcher(allowedOrigins);
  const allowOriginValue = (origin: string): string => (allowedOrigins === '*' ? '*' : origin);

  return async (c, next) => {
    const origin = c.req.header('origin') ?? '';
    const requestedMethod = c.req.header('access-control-request-method');

    if (c.req.method === 'OPTIONS' && requestedMethod) {
      // Preflight: always 200 with no body; the Allow-* headers only when everything matches.
      const headers = new Headers();
      headers.append('Vary', 'Origin');
      headers.append('Vary', 'Access-Control-Request-Method');
      headers.append('Vary', 'Access-Control-Request-Headers');
      const method = requestedMethod.toUpperCase();
      const requestedHeaders = parseHeaderList(c.req.header('access-control-request-headers'));
      if (
        origin !== '' &&
        originAllowed(origin) &&
        ALLOWED_METHODS.includes(method) &&
        requestedHeaders.every((h) => ALLOWED_HEADERS.includes(h))
      ) {
        headers.set('Access-Control-Allow-Origin', allowOriginValue(origin));
        headers.set('Access-Control-Allow-Methods', method);
        if (requestedHeaders.length > 0) headers.set('Access-Control-Allow-Headers', requestedHeaders.join(', '));
        headers.set('Access-Control-Allow-Credentials', 'true');
        headers.set('Access-Control-Max-Age', MAX_AGE_SECONDS);
      }
      return new Response(null, { status: 200, headers });
    }

    await next();
    if (c.req.method === 'OPTIONS') return;
    const h = c.res.headers;
    h.append('Vary', 'Origin');
    if (origin === '' || !originAllowed(origin) || !ALLOWED_METHODS.includes(c.req.method)) return;
    h.set('Access-Control-Allow-Origin', allowOriginValue(origin));
    h.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    h.set('Access-Control-Allow-Credentials', 'true');
  };
}
