// Bench support: an in-process agentapi (real PTY, emulator, engine, HTTP on
// loopback) whose conversation can be pre-filled, so figures at 1,000
// messages need no 30-minute warm-up. Imports the compiled code from dist/.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHttpApp } from '../src/agentapi/http/app.js';
import { startHttpServer, type RunningHttpServer } from '../src/agentapi/http/server.js';
import { silentLogger } from '../src/agentapi/log.js';
import { AgentSession } from '../src/agentapi/server/agent-session.js';
import { formatTime } from '../src/agentapi/conversation/time.js';
import type { Message } from '../src/agentapi/conversation/types.js';

export const AGENTAPI_BIN = fileURLToPath(new URL('../bin/agentapi.js', import.meta.url));

export interface BenchAgent {
  session: AgentSession;
  http: RunningHttpServer;
  base: string;
  close(): Promise<void>;
}

export function syntheticConversation(count: number): Message[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, id) => ({
    id,
    role: id % 2 === 0 ? 'agent' : 'user',
    text: id % 2 === 0 ? `Reply ${id}: ${'lorem ipsum dolor sit amet '.repeat(8)}` : `Question ${id}?`,
    time: formatTime(now - (count - id) * 1000),
  }));
}

export async function startBenchAgent(agent: string[], messages: Message[] = []): Promise<BenchAgent> {
  const session = AgentSession.start({
    agentType: 'custom',
    command: agent,
    termWidth: 80,
    termHeight: 1000,
    initialPrompt: '',
    logger: silentLogger(),
  });
  if (messages.length > 0) session.engine.restore(messages);
  const uploadDir = mkdtempSync(path.join(os.tmpdir(), 'agentapi-bench-'));
  const app = createHttpApp({
    backend: session.backend,
    allowedHosts: '*',
    allowedOrigins: '*',
    chatBasePath: '/chat',
    uploadDir,
    logger: silentLogger(),
  });
  const http = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
  return {
    session,
    http,
    base: `http://127.0.0.1:${http.port}`,
    close: async () => {
      await http.close();
      await session.stop();
      rmSync(uploadDir, { recursive: true, force: true });
    },
  };
}

export async function waitForStable(base: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const body = (await (await fetch(`${base}/status`)).json()) as { status: string };
    if (body.status === 'stable') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('agent never became stable');
}
