// The agent socket server over a real Unix socket in a temp dir: startup and
// shutdown rules (§4.1), every acceptance check of §4.5, endpoint semantics
// (§4.2–4.3) and error mapping (§4.4), each response checked against the
// shared zod schemas.
// Must never leave a server, socket file or child process behind.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnitManager } from '../units/manager.js';
import type { UnitManagerApi } from '../units/types.js';
import { SOCKET_ROUTES } from './protocol.js';
import { errorResponseSchema, listResponseSchema, readyResponseSchema, statusResponseSchema } from './schemas.js';
import { SocketServer } from './server.js';
import { MAX_SOCKET_PATH_BYTES } from './socket-path.js';
import { makeTempDir, postJson, rawRequest, startServer, type RunningServer } from './testdata/socket-fixture.js';

const run = promisify(execFile);

describe('startup and shutdown (§4.1, §4.5)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  const servers: SocketServer[] = [];
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await temp.cleanup();
  });
  function track(server: SocketServer): SocketServer {
    servers.push(server);
    return server;
  }

  it('requires a unit manager', () => {
    expect(() => new SocketServer(undefined as unknown as UnitManagerApi)).toThrow(new Error('unit manager must not be nil'));
    expect(() => new SocketServer(null as unknown as UnitManagerApi)).toThrow('unit manager must not be nil');
  });

  it('creates missing parents 0700 and the socket 0600; close() removes the file', async () => {
    const path = join(temp.dir, 'a', 'b', 'agent.sock');
    const server = track(new SocketServer(new UnitManager(), { path }));
    await server.start();
    expect((await stat(join(temp.dir, 'a'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(temp.dir, 'a', 'b'))).mode & 0o777).toBe(0o700);
    const socket = await stat(path);
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
    await server.close();
    expect(existsSync(path)).toBe(false);
    await server.close(); // idempotent
  });

  it('leaves the mode of an existing parent alone', async () => {
    const path = join(temp.dir, 'agent.sock');
    const before = (await stat(temp.dir)).mode & 0o777;
    await track(new SocketServer(new UnitManager(), { path })).start();
    expect((await stat(temp.dir)).mode & 0o777).toBe(before);
  });

  it('a second server on a live path fails with the exact message and leaves the first serving', async () => {
    const path = join(temp.dir, 'agent.sock');
    await track(new SocketServer(new UnitManager(), { path })).start();
    const second = track(new SocketServer(new UnitManager(), { path }));
    await expect(second.start()).rejects.toThrow(expect.objectContaining({ message: `socket path ${path} is not available` }));
    expect((await rawRequest(path, 'GET', SOCKET_ROUTES.ping)).status).toBe(200);
  });

  it.each([
    ['a stale regular file', async (path: string) => writeFile(path, 'stale')],
    [
      'the socket of a crashed agent',
      async (path: string) => {
        // SIGKILL leaves the socket file behind with nobody listening on it.
        const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`]);
        await new Promise((resolve) => child.stdout.once('data', resolve));
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
        expect((await stat(path)).isSocket()).toBe(true);
      },
    ],
  ])('replaces %s', async (_name, leaveBehind) => {
    const path = join(temp.dir, 'agent.sock');
    await leaveBehind(path);
    expect(existsSync(path)).toBe(true);
    await track(new SocketServer(new UnitManager(), { path })).start();
    expect((await rawRequest(path, 'GET', SOCKET_ROUTES.ping)).text).toBe('{}\n');
  });

  it('rejects a path longer than the OS limit, naming path and limit', async () => {
    const path = join(temp.dir, 'x'.repeat(MAX_SOCKET_PATH_BYTES), 'agent.sock');
    const server = track(new SocketServer(new UnitManager(), { path }));
    const bytes = Buffer.byteLength(path);
    await expect(server.start()).rejects.toThrow(
      `socket path ${path} is too long: ${bytes} bytes, the limit for a Unix socket path is ${MAX_SOCKET_PATH_BYTES} bytes`,
    );
    expect(existsSync(join(temp.dir, 'x'.repeat(MAX_SOCKET_PATH_BYTES)))).toBe(false);
  });

  it('accepts a path of exactly the limit', async () => {
    const name = 'y'.repeat(MAX_SOCKET_PATH_BYTES - Buffer.byteLength(temp.dir) - 1);
    const path = join(temp.dir, name);
    expect(Buffer.byteLength(path)).toBe(MAX_SOCKET_PATH_BYTES);
    await track(new SocketServer(new UnitManager(), { path })).start();
    expect((await rawRequest(path, 'GET', SOCKET_ROUTES.ping)).status).toBe(200);
  });

  it('start() twice and start() after close() are refused', async () => {
    const server = track(new SocketServer(new UnitManager(), { path: join(temp.dir, 'agent.sock') }));
    await server.start();
    await expect(server.start()).rejects.toThrow('socket server already started');
    await server.close();
    await expect(server.start()).rejects.toThrow('socket server already closed');
  });

  it('close() during start() leaves nothing listening', async () => {
    const path = join(temp.dir, 'agent.sock');
    const server = new SocketServer(new UnitManager(), { path });
    const started = server.start();
    await server.close();
    await started;
    expect(existsSync(path)).toBe(false);
  });

  it('close() ends watch streams and stops notifying them', async () => {
    const path = join(temp.dir, 'agent.sock');
    const manager = new UnitManager();
    const server = track(new SocketServer(manager, { path }));
    await server.start();
    const ended = new Promise<string>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        request({ socketPath: path, path: SOCKET_ROUTES.watch, agent: false }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve(text));
          res.on('error', reject);
        })
          .on('error', reject)
          .end();
      }, reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await server.close();
    expect(await ended).toBe('event: change\ndata: {"seq":0}\n\n');
    manager.register('after-close'); // must not write to an ended stream
  });
});

describe('endpoints (§4.2–4.5)', () => {
  let s: RunningServer;
  beforeEach(async () => {
    s = await startServer();
  });
  afterEach(async () => {
    await s.stop();
  });

  const post = (route: string, body: unknown) => postJson(s.path, route, body);

  it('ping → {}', async () => {
    const res = await rawRequest(s.path, 'GET', SOCKET_ROUTES.ping);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.text)).toEqual({});
  });

  it('curl --unix-socket lists the units of the shared manager', async () => {
    // The runner registers its scripts on the same instance (§2.9 example).
    for (const id of ['coder_script.install_tools', 'module.dev.coder_script.configure', 'Fallback Only']) s.manager.register(id);
    const { stdout } = await run('curl', ['-sS', '--unix-socket', s.path, `http://localhost${SOCKET_ROUTES.list}`]);
    expect(listResponseSchema.parse(JSON.parse(stdout))).toEqual({
      units: [
        { unit: 'Fallback Only', status: 'pending', is_ready: true },
        { unit: 'coder_script.install_tools', status: 'pending', is_ready: true },
        { unit: 'module.dev.coder_script.configure', status: 'pending', is_ready: true },
      ],
    });
  });

  it('start: new unit → started; again → 409 same status; completed unit → ok', async () => {
    expect((await post(SOCKET_ROUTES.start, { unit: 'u' })).status).toBe(200);
    expect(s.manager.unit('u').status).toBe('started');
    const again = await post(SOCKET_ROUTES.start, { unit: 'u' });
    expect(again.status).toBe(409);
    expect(errorResponseSchema.parse(JSON.parse(again.text))).toEqual({ error: 'checking status for unit "u": same status already set' });
    expect((await post(SOCKET_ROUTES.complete, { unit: 'u' })).status).toBe(200);
    expect((await post(SOCKET_ROUTES.start, { unit: 'u' })).status).toBe(200);
    expect(s.manager.unit('u').status).toBe('started');
  });

  it('start with an unmet dependency → 409 not ready, status stays pending', async () => {
    expect((await post(SOCKET_ROUTES.want, { unit: 'u', depends_on: 'd' })).status).toBe(200);
    const res = await post(SOCKET_ROUTES.start, { unit: 'u' });
    expect(res.status).toBe(409);
    expect(JSON.parse(res.text)).toEqual({ error: 'cannot start unit "u": unit not ready' });
    expect(s.manager.unit('u').status).toBe('pending');
  });

  it('want x→y: one unsatisfied dependency on unregistered y', async () => {
    expect((await post(SOCKET_ROUTES.want, { unit: 'x', depends_on: 'y' })).status).toBe(200);
    const res = await post(SOCKET_ROUTES.status, { unit: 'x' });
    expect(statusResponseSchema.parse(JSON.parse(res.text))).toEqual({
      unit: 'x',
      status: 'pending',
      is_ready: false,
      dependencies: [{ unit: 'x', depends_on: 'y', required_status: 'completed', current_status: '', is_satisfied: false }],
    });
    expect(s.manager.unit('y').status).toBe('');
  });

  it('want after the dependent started is allowed; a cycle is 409', async () => {
    await post(SOCKET_ROUTES.start, { unit: 'a' });
    expect((await post(SOCKET_ROUTES.want, { unit: 'a', depends_on: 'b' })).status).toBe(200);
    const cycle = await post(SOCKET_ROUTES.want, { unit: 'b', depends_on: 'a' });
    expect(cycle.status).toBe(409);
    expect(JSON.parse(cycle.text)).toEqual({ error: 'adding edge for unit "b": failed to add dependency\nadding edge (b -> a): cycle detected' });
  });

  it('complete: pending → completed; again → 409; unregistered → 404', async () => {
    s.manager.register('u');
    expect((await post(SOCKET_ROUTES.complete, { unit: 'u' })).status).toBe(200);
    expect(s.manager.unit('u').status).toBe('completed');
    expect((await post(SOCKET_ROUTES.complete, { unit: 'u' })).status).toBe(409);
    const missing = await post(SOCKET_ROUTES.complete, { unit: 'ghost' });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toEqual({ error: 'checking registration for unit "ghost": unit not found' });
  });

  it('ready: unregistered → true; unmet dependency → false', async () => {
    const ready = async (unit: string) => readyResponseSchema.parse(JSON.parse((await post(SOCKET_ROUTES.ready, { unit })).text));
    expect(await ready('ghost')).toEqual({ ready: true });
    await post(SOCKET_ROUTES.want, { unit: 'a', depends_on: 'b' });
    expect(await ready('a')).toEqual({ ready: false });
  });

  it('status of an unregistered unit', async () => {
    const res = await post(SOCKET_ROUTES.status, { unit: 'ghost' });
    expect(statusResponseSchema.parse(JSON.parse(res.text))).toEqual({ unit: 'ghost', status: '', is_ready: true, dependencies: [] });
  });

  it('graph: 404 before any edge, then DOT (with optional labels)', async () => {
    const before = await rawRequest(s.path, 'GET', SOCKET_ROUTES.graph);
    expect(before.status).toBe(404);
    expect(JSON.parse(before.text)).toEqual({ error: 'graph is not initialized' });
    await post(SOCKET_ROUTES.want, { unit: 'a', depends_on: 'b' });
    const res = await rawRequest(s.path, 'GET', SOCKET_ROUTES.graph);
    expect(res.headers['content-type']).toBe('text/vnd.graphviz; charset=utf-8');
    expect(res.text).toBe('strict digraph units {\n  // Node definitions.\n  1;\n  2;\n\n  // Edge definitions.\n  1 -> 2;\n}');
    const labelled = await rawRequest(s.path, 'GET', `${SOCKET_ROUTES.graph}?labels=true`);
    expect(labelled.text).toContain('  1 [label="a"];\n  2 [label="b"];\n');
  });

  it.each([
    ['invalid JSON', SOCKET_ROUTES.start, '{"unit":', 400, /^invalid request body: /],
    ['empty body', SOCKET_ROUTES.complete, '', 400, /^invalid request body: /],
    ['missing unit', SOCKET_ROUTES.start, '{}', 400, /^invalid request body: unit: /],
    ['non-string unit', SOCKET_ROUTES.ready, '{"unit":42}', 400, /^invalid request body: unit: /],
    ['JSON array', SOCKET_ROUTES.status, '["u"]', 400, /^invalid request body: /],
    ['missing depends_on', SOCKET_ROUTES.want, '{"unit":"a"}', 400, /^invalid request body: depends_on: /],
    ['empty unit (start)', SOCKET_ROUTES.start, '{"unit":""}', 400, /^unit name is required$/],
    ['empty unit (complete)', SOCKET_ROUTES.complete, '{"unit":""}', 400, /^unit name is required$/],
    ['empty unit (ready)', SOCKET_ROUTES.ready, '{"unit":""}', 400, /^unit name is required$/],
    ['empty unit (status)', SOCKET_ROUTES.status, '{"unit":""}', 400, /^unit name is required$/],
    ['empty unit (want)', SOCKET_ROUTES.want, '{"unit":"","depends_on":"b"}', 400, /^unit name is required$/],
    ['empty depends_on', SOCKET_ROUTES.want, '{"unit":"a","depends_on":""}', 400, /^unit name is required$/],
  ])('bad input: %s', async (_name, route, body, status, message) => {
    const res = await rawRequest(s.path, 'POST', route, body);
    expect(res.status).toBe(status);
    expect(errorResponseSchema.parse(JSON.parse(res.text)).error).toMatch(message);
    expect(s.manager.listUnits()).toEqual([]); // nothing registered by a rejected request
  });

  it.each([
    ['GET', '/api/v1/nope', 404],
    ['GET', '/', 404],
    ['POST', '/api/v1/sync/lists', 404],
    ['GET', SOCKET_ROUTES.start, 405],
    ['POST', SOCKET_ROUTES.list, 405],
  ])('%s %s → %i with a JSON error', async (method, path, status) => {
    const res = await rawRequest(s.path, method, path);
    expect(res.status).toBe(status);
    expect(typeof errorResponseSchema.parse(JSON.parse(res.text)).error).toBe('string');
  });

  it('a body over 1 MiB → 413', async () => {
    const res = await rawRequest(s.path, 'POST', SOCKET_ROUTES.start, JSON.stringify({ unit: 'x'.repeat(1024 * 1024 + 1) }));
    expect(res.status).toBe(413);
  });
});
