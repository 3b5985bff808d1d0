// Per-request logging and HTTP metrics (server.md §9.1, §9.2): one log line
// per finished request with request_id, method, path, status and
// duration_ms, and the request counter/histogram labelled with the matched
// route pattern (never the raw path: unbounded label values). It must never
// log headers, query strings or bodies — they may carry tokens.
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { ServerContext } from '../context.js';
import type { AppEnv } from './env.js';

/** Polled by monitoring; logged at debug so they do not drown the rest. */
const QUIET_PATHS = new Set(['/healthz', '/metrics']);

export function requestLog(ctx: ServerContext): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = randomUUID();
    c.set('requestId', requestId);
    c.header('X-Request-Id', requestId);
    await next();
    const seconds = (performance.now() - started) / 1000;
    const status = c.res.status;
    const matched = routePath(c);
    // Still on this middleware's own pattern: no route matched the request.
    const route = matched === '*' || matched === '/*' ? 'unmatched' : matched;
    ctx.metrics.httpRequests.inc({ method: c.req.method, route, status: String(status) });
    ctx.metrics.httpRequestDuration.observe({ method: c.req.method, route }, seconds);
    const fields = { request_id: requestId, method: c.req.method, path: c.req.path, status, duration_ms: Math.round(seconds * 1e6) / 1e3 };
    if (QUIET_PATHS.has(c.req.path)) ctx.logger.debug(fields, 'http request');
    else ctx.logger.info(fields, 'http request');
  };
}
