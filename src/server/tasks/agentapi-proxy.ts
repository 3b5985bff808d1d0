// The reverse proxy to a task's AgentAPI (server.md §6.3 `…/agentapi/{path}`):
// forwards method, path, query, body and end-to-end headers, rewrites Host to
// `localhost` (AgentAPI's host check), and streams the answer back chunk by
// chunk so `/events` SSE arrives unbuffered. The user's session token never
// reaches the app (its three carriers are stripped). Ends the upstream
// request when the client goes away or the server shuts down.
import http from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { SESSION_TOKEN_HEADER } from '../../protocol/users.js';
import { TaskAppError } from './agentapi-client.js';

/** RFC 9110 §7.6.1 hop-by-hop headers, plus those the proxy sets itself. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);
/** Where the session token may travel (§3.2): never forwarded. */
const CREDENTIAL_HEADERS = new Set([SESSION_TOKEN_HEADER.toLowerCase(), 'authorization', 'cookie']);

export interface ProxyOptions {
  /** Ends the proxied exchange (server shutdown); the client's own abort is taken from the request. */
  signal?: AbortSignal;
}

/** `appUrl` + `path` + the request's query. */
export function proxyTarget(appUrl: string, path: string, requestUrl: string): URL {
  const base = appUrl.endsWith('/') ? appUrl : `${appUrl}/`;
  const target = new URL(path.replace(/^\/+/, ''), base);
  target.search = new URL(requestUrl).search;
  return target;
}

/** Resolves with the app's response (any status); TaskAppError `unreachable` when no response came. */
export function proxyToTaskApp(appUrl: string, path: string, request: Request, options: ProxyOptions = {}): Promise<Response> {
  const target = proxyTarget(appUrl, path, request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name) && !CREDENTIAL_HEADERS.has(name)) headers[name] = value;
  });
  headers.host = 'localhost';
  const abort = AbortSignal.any([request.signal, ...(options.signal ? [options.signal] : [])]);

  return new Promise<Response>((resolve, reject) => {
    const upstream = http.request(target, { method: request.method, headers, signal: abort }, (res) => {
      const responseHeaders = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        if (value === undefined || HOP_BY_HOP.has(name)) continue;
        for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(name, v);
      }
      const status = res.statusCode ?? 502;
      const bodyless = request.method === 'HEAD' || status === 204 || status === 304;
      if (bodyless) res.resume();
      // A client gone or a shutdown ends the upstream response (and with it the stream we return).
      abort.addEventListener('abort', () => res.destroy(), { once: true });
      const body = bodyless ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
      resolve(new Response(body, { status, statusText: res.statusMessage, headers: responseHeaders }));
    });
    upstream.on('error', (err) => reject(new TaskAppError('unreachable', `${request.method} ${target.pathname}: ${err.message}`)));
    if (request.body === null || request.method === 'GET' || request.method === 'HEAD') {
      upstream.end();
    } else {
      Readable.fromWeb(request.body as unknown as NodeReadableStream<Uint8Array>)
        .on('error', (err) => upstream.destroy(err))
        .pipe(upstream);
    }
  });
}
