// `taskyard sync start` waiting (§5.3, §5.7) through the REAL bin: blocked
// until OTHER `taskyard sync` processes start and complete its dependencies,
// with proof from the server's request log that nothing is polled while
// waiting; `--timeout`; and the polling fallback for agents without /watch.
// Must never leave a server, socket file or child process behind.
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SOCKET_ROUTES } from '../../agent/socket/protocol.js';
import { makeTempDir, startServer, type RunningServer } from '../../agent/socket/testdata/socket-fixture.js';
import { golden, runCli, startCli } from './testdata/cli-fixture.js';

const READY = `POST ${SOCKET_ROUTES.ready}`;

describe('start waits for dependencies', () => {
  let s: RunningServer | undefined;
  afterEach(async () => {
    await s?.stop();
    s = undefined;
  });

  it('blocks until another process starts and completes both dependencies, without periodic requests', async () => {
    s = await startServer();
    const server = s;
    const sync = (...args: string[]) => runCli(['sync', '--socket-path', server.path, ...args]);
    expect((await sync('want', 'test-unit', 'dep-unit', 'dep-unit-2')).code).toBe(0);

    const waiting = startCli(['sync', '--socket-path', server.path, 'start', 'test-unit']);
    await waiting.waitForStdout('is waiting for dependencies');
    // Subscribed, status read, waiting line printed: from here on only changes may cause requests.
    const requestsWhileWaiting = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(server.requests.slice(requestsWhileWaiting)).toEqual([]);
    expect(server.manager.unit('test-unit').status).toBe('pending');

    const readyChecksBefore = server.requests.filter((r) => r === READY).length;
    for (const args of [['start', 'dep-unit'], ['complete', 'dep-unit'], ['start', 'dep-unit-2']]) {
      expect((await sync(...args)).code).toBe(0);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.manager.unit('test-unit').status).toBe('pending'); // dep-unit-2 only started
    expect((await sync('complete', 'dep-unit-2')).code).toBe(0);

    const result = await waiting.done;
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(golden('start-waited.golden'));
    expect(server.manager.unit('test-unit').status).toBe('started');
    // One readiness check per change at most: 2 (register + started) + 1 + 2 + 1 mutations.
    const readyChecks = server.requests.filter((r) => r === READY).length - readyChecksBefore;
    expect(readyChecks).toBeGreaterThanOrEqual(1);
    expect(readyChecks).toBeLessThanOrEqual(6);
  });

  it('--timeout 1s on an unsatisfiable unit: message and exit 1 after about a second', async () => {
    s = await startServer();
    s.manager.register('u');
    s.manager.addDependency('u', 'never', 'completed');
    const result = await runCli(['sync', '--socket-path', s.path, 'start', 'u', '--timeout', '1s']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('Unit "u" is waiting for dependencies to be satisfied: [never]\n');
    expect(result.stderr).toBe(golden('start-timeout.stderr.golden'));
    expect(result.elapsedMs).toBeGreaterThanOrEqual(1000);
    expect(result.elapsedMs).toBeLessThan(4000);
    expect(s.manager.unit('u').status).toBe('pending');
  });

  it('a start refused by the server is reported with context', async () => {
    s = await startServer();
    s.manager.register('u');
    s.manager.updateStatus('u', 'started');
    const result = await runCli(['sync', '--socket-path', s.path, 'start', 'u']);
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'error: start unit failed: checking status for unit "u": same status already set\n',
    });
  });
});

describe('start against an agent without the watch stream', () => {
  let fake: Server | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    if (fake !== undefined) await new Promise((resolve) => fake!.close(resolve));
    await cleanup?.();
    fake = undefined;
  });

  it('falls back to polling ready once a second', async () => {
    const temp = await makeTempDir();
    cleanup = temp.cleanup;
    const path = join(temp.dir, 'old-agent.sock');
    const readyAt: number[] = [];
    const json = (res: import('node:http').ServerResponse, status: number, body: unknown) =>
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    fake = createServer((req, res) => {
      switch (req.url) {
        case SOCKET_ROUTES.status:
          return json(res, 200, {
            unit: 'u',
            status: 'pending',
            is_ready: false,
            dependencies: [{ unit: 'u', depends_on: 'd', required_status: 'completed', current_status: 'pending', is_satisfied: false }],
          });
        case SOCKET_ROUTES.ready:
          readyAt.push(performance.now());
          return json(res, 200, { ready: readyAt.length >= 2 });
        case SOCKET_ROUTES.start:
          return json(res, 200, {});
        default:
          return json(res, 404, { error: 'not found' });
      }
    });
    await new Promise<void>((resolve) => fake!.listen(path, resolve));
    const result = await runCli(['sync', '--socket-path', path, 'start', 'u']);
    expect(result.stdout).toBe('Unit "u" is waiting for dependencies to be satisfied: [d]\nUnit "u" finished waiting for dependencies: [d]\n');
    expect(result.code).toBe(0);
    expect(readyAt).toHaveLength(2);
    expect(readyAt[1]! - readyAt[0]!).toBeGreaterThanOrEqual(900);
  });
});
