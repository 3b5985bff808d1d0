// Request handling of the agent socket (spec agent.md §4.2–4.4): routing,
// body validation, the sync operations on the shared unit manager and the
// mapping of unit errors to HTTP statuses. Each handler does its manager
// calls synchronously; the only await is the app-status forward. It must
// never create a unit manager or talk to the control plane itself.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { appStatusSchema, type AppStatus } from '../../protocol/app-status.js';
import { isUnitError, quote, UnitError, unitError } from '../units/errors.js';
import type { UnitManagerApi, UnitErrorCode } from '../units/types.js';
import { GRAPH_CONTENT_TYPE, SOCKET_ROUTES, type ListResponse, type StatusResponse } from './protocol.js';
import { describeZodError, unitRequestSchema, wantRequestSchema } from './schemas.js';
import type { WatchStreams } from './watch-streams.js';

const MAX_BODY_BYTES = 1024 * 1024;

export interface RouteContext {
  manager: UnitManagerApi;
  watch: WatchStreams;
  logger: Logger;
  forwardAppStatus: ((status: AppStatus) => Promise<void>) | undefined;
}

/** An error whose text and HTTP status are already decided. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

type Handler = (ctx: RouteContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => Promise<void> | void;

const ROUTES: ReadonlyMap<string, { method: 'GET' | 'POST'; handle: Handler }> = new Map<string, { method: 'GET' | 'POST'; handle: Handler }>([
  [SOCKET_ROUTES.ping, { method: 'GET', handle: (_ctx, _req, res) => sendJson(res, 200, {}) }],
  [SOCKET_ROUTES.start, { method: 'POST', handle: handleStart }],
  [SOCKET_ROUTES.want, { method: 'POST', handle: handleWant }],
  [SOCKET_ROUTES.complete, { method: 'POST', handle: handleComplete }],
  [SOCKET_ROUTES.ready, { method: 'POST', handle: handleReady }],
  [SOCKET_ROUTES.status, { method: 'POST', handle: handleStatus }],
  [SOCKET_ROUTES.list, { method: 'GET', handle: handleList }],
  [SOCKET_ROUTES.graph, { method: 'GET', handle: handleGraph }],
  [SOCKET_ROUTES.watch, { method: 'GET', handle: (ctx, _req, res) => ctx.watch.open(res) }],
  [SOCKET_ROUTES.appStatus, { method: 'POST', handle: handleAppStatus }],
]);

export async function handleRequest(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const route = ROUTES.get(url.pathname);
  try {
    if (route === undefined) throw new HttpError(404, `no such endpoint: ${req.method ?? ''} ${url.pathname}`);
    if (req.method !== route.method) {
      res.setHeader('Allow', route.method);
      throw new HttpError(405, `method ${req.method ?? ''} not allowed on ${url.pathname}`);
    }
    await route.handle(ctx, req, res, url.searchParams);
  } catch (err) {
    const { status, message } = toHttpError(err);
    if (status >= 500) ctx.logger.error({ err, path: url.pathname }, 'agent socket request failed');
    if (res.headersSent) res.destroy();
    else sendJson(res, status, { error: message });
  }
}

async function handleStart(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { unit } = await readBody(req, unitRequestSchema);
  registerIfNeeded(ctx.manager, unit);
  if (!ctx.manager.isReady(unit)) throw new HttpError(409, `cannot start unit ${quote(unit)}: unit not ready`);
  ctx.manager.updateStatus(unit, 'started');
  sendJson(res, 200, {});
}

async function handleWant(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req, wantRequestSchema);
  // Both names are checked before anything is registered, so a bad request changes nothing.
  if (body.unit === '' || body.depends_on === '') throw unitError('UNIT_ID_REQUIRED');
  registerIfNeeded(ctx.manager, body.unit);
  ctx.manager.addDependency(body.unit, body.depends_on, 'completed');
  sendJson(res, 200, {});
}

async function handleComplete(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { unit } = await readBody(req, unitRequestSchema);
  ctx.manager.updateStatus(unit, 'completed');
  sendJson(res, 200, {});
}

async function handleReady(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { unit } = await readBody(req, unitRequestSchema);
  sendJson(res, 200, { ready: ctx.manager.isReady(unit) });
}

async function handleStatus(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { unit } = await readBody(req, unitRequestSchema);
  const snapshot = ctx.manager.unit(unit);
  const body: StatusResponse =
    snapshot.status === ''
      ? { unit, status: '', is_ready: true, dependencies: [] }
      : {
          unit,
          status: snapshot.status,
          is_ready: ctx.manager.isReady(unit),
          dependencies: ctx.manager.getAllDependencies(unit).map((d) => ({
            unit: d.unit,
            depends_on: d.depends_on,
            required_status: d.required_status,
            current_status: d.current_status,
            is_satisfied: d.is_satisfied,
          })),
        };
  sendJson(res, 200, body);
}

function handleList(ctx: RouteContext, _req: IncomingMessage, res: ServerResponse): void {
  const body: ListResponse = { units: ctx.manager.listUnits().map((u) => ({ unit: u.id, status: u.status, is_ready: u.ready })) };
  sendJson(res, 200, body);
}

function handleGraph(ctx: RouteContext, _req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
  const labels = query.get('labels') === 'true' || query.get('labels') === '1';
  const dot = ctx.manager.exportDOT('units', { labels });
  res.writeHead(200, { 'Content-Type': GRAPH_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(dot) }).end(dot);
}

async function handleAppStatus(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req, appStatusSchema);
  const notConnected = new HttpError(502, 'agent not connected to control plane');
  if (ctx.forwardAppStatus === undefined) throw notConnected;
  try {
    await ctx.forwardAppStatus(body);
  } catch (err) {
    ctx.logger.warn({ err, app_slug: body.app_slug }, 'forwarding app status to the control plane failed');
    throw notConnected;
  }
  res.writeHead(204).end();
}

/** register(unit) unless it already is; every other error propagates. */
function registerIfNeeded(manager: UnitManagerApi, unit: string): void {
  try {
    manager.register(unit);
  } catch (err) {
    if (!isUnitError(err, 'UNIT_ALREADY_REGISTERED')) throw err;
  }
}

async function readBody<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `invalid request body: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new HttpError(400, `invalid request body: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

const STATUS_BY_CODE: Readonly<Record<UnitErrorCode, number>> = {
  UNIT_ID_REQUIRED: 400,
  UNIT_NOT_FOUND: 404,
  GRAPH_NOT_INITIALIZED: 404,
  UNIT_ALREADY_REGISTERED: 409,
  SAME_STATUS_ALREADY_SET: 409,
  CYCLE_DETECTED: 409,
  FAILED_TO_ADD_DEPENDENCY: 409,
};

function toHttpError(err: unknown): { status: number; message: string } {
  if (err instanceof HttpError) return { status: err.status, message: err.message };
  if (err instanceof UnitError) {
    // Empty names read the same whichever operation they reached (§4.4).
    if (isUnitError(err, 'UNIT_ID_REQUIRED')) return { status: 400, message: unitError('UNIT_ID_REQUIRED').message };
    return { status: STATUS_BY_CODE[err.code], message: err.message };
  }
  return { status: 500, message: err instanceof Error ? err.message : String(err) };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}
