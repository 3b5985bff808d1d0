import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { createHttpApp } from './app.js';
import { startHttpServer, type RunningHttpServer } from './server.js';
import { DEFAULT_HOSTS, DEFAULT_ORIGINS, FakeBackend, openSse, send } from './testdata/harness.js';

describe('startHttpServer', () => {
  let server: RunningHttpServer | undefined;
  // Every app made by a test (some make two), removed after it.
  const uploadDirs: string[] = [];
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await Promise.all(uploadDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  const makeApp = async (backend = new FakeBackend()) => {
    const uploadDir = await mkdtemp(path.join(tmpdir(), 'agentapi-uploads-test-'));
    uploadDirs.push(uploadDir);
    return createHttpApp({
      backend,
      allowedHosts: DEFAULT_HOSTS,
      allowedOrigins: DEFAULT_ORIGINS,
      chatBasePath: '/chat',
      uploadDir,
      logger: silentLogger(),
    });
  };

  it('binds port 0 to a free port on 127.0.0.1', async () => {
    server = await startHttpServer(await makeApp(), { host: '127.0.0.1', port: 0 });
    expect(server.port).toBeGreaterThan(0);
    expect((await send(server.port, { path: '/status' })).status).toBe(200);
  });

  it('without a host listens on all interfaces (IPv4 reachable)', async () => {
    server = await startHttpServer(await makeApp(), { port: 0 });
    expect((await send(server.port, { path: '/status' })).status).toBe(200);
  });

  it('rejects when the port is taken', async () => {
    server = await startHttpServer(await makeApp(), { host: '127.0.0.1', port: 0 });
    await expect(startHttpServer(await makeApp(), { host: '127.0.0.1', port: server.port })).rejects.toThrow(
      /EADDRINUSE/,
    );
  });

  it('close() ends SSE streams gracefully and returns quickly', async () => {
    const backend = new FakeBackend();
    server = await startHttpServer(await makeApp(backend), { host: '127.0.0.1', port: 0 });
    const events = await openSse(server.port, '/events');
    const screen = await openSse(server.port, '/internal/screen');
    await events.next();
    await screen.next();
    const t0 = Date.now();
    await server.close();
    await Promise.all([events.ended, screen.ended]);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(backend.events.subscriberCount).toBe(0);
    expect(backend.screens.subscriberCount).toBe(0);
    server = undefined;
  });

  it('close() stops within 5 s even with a request that never finishes', async () => {
    const backend = new FakeBackend();
    backend.sendImpl = () => new Promise<void>(() => {});
    server = await startHttpServer(await makeApp(backend), { host: '127.0.0.1', port: 0 });
    const hanging = send(server.port, {
      method: 'POST',
      path: '/message',
      headers: { 'Content-Type': 'application/json' },
      body: '{"content":"x","type":"user"}',
    }).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await server.close();
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(await hanging).toBeInstanceOf(Error);
    server = undefined;
  });

  it('close() is idempotent', async () => {
    server = await startHttpServer(await makeApp(), { host: '127.0.0.1', port: 0 });
    await Promise.all([server.close(), server.close()]);
    await server.close();
    server = undefined;
  });
});
