// The HTTP listener of the server: binds the Hono app's fetch handler to
// `--address`, and closes gracefully (server.md §1.2.2): stop accepting,
// let in-flight requests finish for up to the grace period, then cut the
// remaining connections. It never ends SSE streams itself — their handlers
// end them on the context's shutdown signal, before close() is called.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { ListenAddress } from './config.js';

export interface HttpListener {
  /** The bound port (the chosen one when the address asked for port 0). */
  port: number;
  close(graceMs: number): Promise<void>;
}

export class ListenError extends Error {
  readonly code = 'listen_failed';
  constructor(address: ListenAddress, cause: NodeJS.ErrnoException) {
    const reason = cause.code === 'EADDRINUSE' ? 'address already in use' : cause.code === 'EACCES' ? 'permission denied' : cause.message;
    super(`listening on ${address.host}:${address.port}: ${reason}`, { cause });
    this.name = 'ListenError';
  }
}

type Fetch = (request: Request) => Response | Promise<Response>;

export async function listenHttp(fetch: Fetch, address: ListenAddress): Promise<HttpListener> {
  const listener = getRequestListener(fetch);
  const server = createServer((req, res) => void listener(req, res));
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(new ListenError(address, err));
    server.once('error', onError);
    server.listen(address.port, address.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return { port: (server.address() as AddressInfo).port, close: (graceMs) => closeGracefully(server, graceMs) };
}

function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(force);
      resolve();
    });
    // Keep-alive connections between requests hold close() open: drop them as they go idle.
    server.closeIdleConnections();
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
  });
}

/** A port that is free on `host` right now, for `--address host:0`. */
export async function pickFreePort(host: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, host, () => resolve());
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
