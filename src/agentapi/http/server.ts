// Runs an HTTP app on a Node HTTP server (§2.2.13) and stops it again (§9.2).
// The default address is `::` (dual-stack), falling back to `0.0.0.0` where
// the host has no IPv6. It must never outlive close() by more than 5 s: SSE
// streams are ended first, then idle connections closed, then the rest cut.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener, RequestError } from '@hono/node-server';
import type { Hono } from 'hono';
import { hooksOf } from './lifecycle.js';

export interface HttpServerOptions {
  /** Listen address; empty or absent = all interfaces. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
}

export interface RunningHttpServer {
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** Stops the server within 5 s; resolves once every connection is closed. */
  close(): Promise<void>;
}

export const SHUTDOWN_LIMIT_MS = 5_000;
/** Time in-flight requests get before their connections are cut. */
const GRACE_MS = 4_000;

/** Errors meaning "this machine cannot listen on IPv6", where `0.0.0.0` is tried instead. */
const NO_IPV6 = new Set(['EAFNOSUPPORT', 'EADDRNOTAVAIL', 'EINVAL']);

export async function startHttpServer(app: Hono, options: HttpServerOptions): Promise<RunningHttpServer> {
  const hooks = hooksOf(app);
  const listener = getRequestListener(app.fetch, {
    // The adapter rejects a Host it cannot build a URL from before the app runs.
    errorHandler: (err) =>
      err instanceof RequestError && hooks
        ? hooks.unparsableRequestResponse()
        : new Response('Internal Server Error\n', { status: 500 }),
  });
  const server = createServer((req, res) => void listener(req, res));

  const active = new Set<ServerResponse>();
  server.on('request', (_req, res: ServerResponse) => {
    active.add(res);
    res.on('close', () => active.delete(res));
  });

  const listen = (host: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        server.off('listening', onListening);
        reject(err);
      };
      const onListening = (): void => {
        server.off('error', onError);
        resolve();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(options.port, host);
    });

  if (options.host) {
    await listen(options.host);
  } else {
    try {
      await listen('::');
    } catch (err) {
      if (!NO_IPV6.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      await listen('0.0.0.0');
    }
  }
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      // Order: stop accepting → end SSE streams → close idle connections →
      // give in-flight requests GRACE_MS → cut whatever is left.
      server.close(() => resolve());
      hooks?.endStreams();
      server.closeIdleConnections();
      // Keep-alive connections become idle as their last response finishes.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const force = setTimeout(() => server.closeAllConnections(), GRACE_MS);
      server.once('close', () => {
        clearInterval(sweep);
        clearTimeout(force);
      });
      if (active.size === 0) server.closeAllConnections();
    });
    return closing;
  };

  return { port, close };
}
