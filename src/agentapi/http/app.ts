// The composition of the agentapi HTTP layer: host check → CORS → routes
// (§3.1.1), with problem+json errors. It wires what the caller hands in and
// must never create its own backend, logger or upload directory, nor start
// listening (server.ts does that).
import { Hono } from 'hono';
import type { Logger } from '../log.js';
import type { AgentBackend } from './backend.js';
import { cors } from './cors.js';
import { badHostResponse, hostCheck } from './host-check.js';
import { HTTP_APP_HOOKS, type HttpApp, type HttpAppHooks } from './lifecycle.js';
import { causeText, HttpProblem, problemResponse, unexpectedError } from './problem.js';
import { BODY_READ_TIMEOUT_MS } from './read-body.js';
import { registerApiRoutes } from './routes-api.js';
import { notFoundResponse, registerPageRoutes } from './routes-pages.js';
import { SSE_WRITE_TIMEOUT_MS, SseStreamSet } from './sse.js';

export interface HttpAppConfig {
  backend: AgentBackend;
  /** Normalised: lower-case hostnames, IPv6 without brackets; or `*`. */
  allowedHosts: readonly string[] | '*';
  /** Normalised `scheme://host[:port]` entries, each with at most one `*`; or `*`. */
  allowedOrigins: readonly string[] | '*';
  /** --chat-base-path, e.g. `/chat`. */
  chatBasePath: string;
  /** Existing directory that POST /upload stores files under. */
  uploadDir: string;
  logger: Logger;
  /** Body read limit; the spec's 5 s unless a test shortens it. */
  bodyReadTimeoutMs?: number;
  /** SSE write stall limit; the spec's 5 s unless a test shortens it. */
  sseWriteTimeoutMs?: number;
}

/** Methods of the routes that exist, for 405 answers on the others. */
const ROUTE_METHODS: Readonly<Record<string, string>> = {
  '/status': 'GET',
  '/messages': 'GET',
  '/message': 'POST',
  '/upload': 'POST',
  '/events': 'GET',
  '/internal/screen': 'GET',
};

export function createHttpApp(config: HttpAppConfig): HttpApp {
  const { logger } = config;
  const streams = new SseStreamSet();
  const app = new Hono();

  app.use('*', hostCheck(config.allowedHosts));
  app.use('*', cors(config.allowedOrigins));

  registerApiRoutes(app, {
    backend: config.backend,
    uploadDir: config.uploadDir,
    logger,
    streams,
    bodyReadTimeoutMs: config.bodyReadTimeoutMs ?? BODY_READ_TIMEOUT_MS,
    sseWriteTimeoutMs: config.sseWriteTimeoutMs ?? SSE_WRITE_TIMEOUT_MS,
  });
  registerPageRoutes(app, { chatBasePath: config.chatBasePath });
  for (const [path, allow] of Object.entries(ROUTE_METHODS)) {
    app.all(path, () => new Response(null, { status: 405, headers: { Allow: allow } }));
  }

  app.notFound(() => notFoundResponse());
  app.onError((err, c) => {
    if (err instanceof HttpProblem) return problemResponse(c, err);
    logger.error({ err, method: c.req.method, path: c.req.path }, 'unexpected error in HTTP handler');
    return problemResponse(c, unexpectedError(causeText(err)));
  });

  const hooks: HttpAppHooks = {
    endStreams: () => streams.endAll(),
    unparsableRequestResponse: () =>
      config.allowedHosts === '*'
        ? new Response('Bad Request\n', { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
        : badHostResponse(config.allowedHosts),
  };
  return Object.assign(app, { [HTTP_APP_HOOKS]: hooks });
}
