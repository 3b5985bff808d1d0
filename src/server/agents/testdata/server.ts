// Test support: the real `taskyard server` app in-process (startServer) on
// 127.0.0.1 port 0 over a test database and a temp data dir, with its log
// lines captured and a small fetch wrapper. Every server started here is stopped by
// stopTestServers() (call it in afterEach); it must never outlive a test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveServerConfig } from '../../config.js';
import { startServer, type RunningServer } from '../../server.js';

export interface TestServer {
  server: RunningServer;
  url: string;
  /** The first user's (owner's) session token. */
  ownerToken: string;
  logLines: string[];
  call(method: string, path: string, init?: CallInit): Promise<CallResult>;
}

export interface CallInit {
  token?: string;
  body?: unknown;
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  text: string;
  body: unknown;
}

const running: RunningServer[] = [];
const dataDirs: string[] = [];

export async function startTestServer(databaseUrl: string, flags: { stopGracePeriod?: string } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'taskyard-agent-api-'));
  dataDirs.push(dataDir);
  const config = resolveServerConfig(
    { address: '127.0.0.1:0', postgresUrl: databaseUrl, dataDir, logLevel: 'debug', ...flags },
    {},
    { uid: 1000, homeDir: '/tmp' },
  );
  const stdout: string[] = [];
  const logLines: string[] = [];
  const server = await startServer(config, {
    stdout: { write: (chunk: string) => stdout.push(chunk) } as unknown as NodeJS.WritableStream,
    logDestination: { write: (line: string) => void logLines.push(line) },
  });
  running.push(server);
  const ownerToken = /Session token: (\S+)/.exec(stdout.join(''))?.[1] ?? '';
  return {
    server,
    url: server.accessUrl,
    ownerToken,
    logLines,
    async call(method, path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.token !== undefined) headers['Coder-Session-Token'] = init.token;
      let body: string | Uint8Array | undefined = init.raw;
      if (init.body !== undefined) body = JSON.stringify(init.body);
      if (body !== undefined && headers['Content-Type'] === undefined) headers['Content-Type'] = 'application/json';
      const response = await fetch(`${server.accessUrl}${path}`, { method, headers, body });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
      } catch {
        parsed = undefined;
      }
      return { status: response.status, text, body: parsed };
    },
  };
}

export async function stopTestServers(): Promise<void> {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
