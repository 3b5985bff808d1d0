// Test fixture for the agent socket: a temp dir with a short path (Unix
// socket paths are limited to ~107 bytes), a real UnitManager + SocketServer
// on it, and a raw HTTP helper. Tests only; it must never be imported by
// production code.
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UnitManager } from '../../units/manager.js';
import { SocketServer, type SocketServerOptions } from '../server.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One HTTP request over the Unix socket; `body` is sent verbatim. */
export function rawRequest(socketPath: string, method: string, path: string, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const req = request({ socketPath, method, path, headers, agent: false }, (res) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function postJson(socketPath: string, path: string, body: unknown): Promise<RawResponse> {
  return rawRequest(socketPath, 'POST', path, JSON.stringify(body));
}

export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  // Not os.tmpdir(): $TMPDIR may be long, and the socket path must stay short.
  const dir = await mkdtemp('/tmp/tys-');
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface RunningServer {
  manager: UnitManager;
  server: SocketServer;
  path: string;
  dir: string;
  /** Every request the server saw, as `METHOD /path`. */
  requests: string[];
  stop: () => Promise<void>;
}

export async function startServer(options: Omit<SocketServerOptions, 'path' | 'onRequest'> = {}): Promise<RunningServer> {
  const { dir, cleanup } = await makeTempDir();
  const path = join(dir, 'agent.sock');
  const manager = new UnitManager();
  const requests: string[] = [];
  const server = new SocketServer(manager, { ...options, path, onRequest: (method, url) => requests.push(`${method} ${url}`) });
  await server.start();
  return {
    manager,
    server,
    path,
    dir,
    requests,
    stop: async () => {
      await server.close();
      await cleanup();
    },
  };
}
