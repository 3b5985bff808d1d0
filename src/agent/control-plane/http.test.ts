// HttpControlPlane against the fake control plane (agent.md §3.2, §3.6):
// token and paths, manifest validation, retries, ordered lifecycle, logs,
// timings, app-status forwarding, the command channel (shutdown once, pings,
// reconnect with re-posting) and a token the server keeps rejecting.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeControlPlane, IDS, json, makeManifest } from '../../../test/helpers/fake-control-plane.js';
import type { ShutdownCommand } from './types.js';
import { isControlPlaneError, type ControlPlaneError } from './errors.js';
import { HttpControlPlane, type HttpControlPlaneOptions } from './http.js';
import { captureLogger, type CapturedLogger } from './testdata/capture-logger.js';

const SCRIPT = { id: '00000000-0000-4000-8000-0000000000c1', log_source_id: '00000000-0000-4000-8000-0000000000d1', script: 'true' };
const SOURCE_2 = '00000000-0000-4000-8000-0000000000d2';
const FAST = { backoff: { initialMs: 20, maxMs: 80 }, tokenRejectedAfterMs: 400, requestTimeoutMs: 2_000, eventsIdleTimeoutMs: 5_000, forwardBudgetMs: 300 };

let fake: FakeControlPlane;
let log: CapturedLogger;
const clients: HttpControlPlane[] = [];

beforeEach(async () => {
  fake = await new FakeControlPlane({ manifest: makeManifest({ scripts: [SCRIPT] }) }).start();
  log = captureLogger();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close(100)));
  await fake.close();
});

function client(options: Partial<HttpControlPlaneOptions> = {}): HttpControlPlane {
  const c = new HttpControlPlane({ url: fake.url, token: fake.token, logger: log.logger, timing: FAST, ...options });
  clients.push(c);
  return c;
}

const entry = (output: string, level: 'info' | 'error' = 'info') => ({ created_at: new Date().toISOString(), output, level });

describe('requests', () => {
  it('sends Coder-Session-Token to paths under /api/v2/workspaceagents/me/ and returns the validated manifest', async () => {
    const manifest = await client().fetchManifest();
    expect(manifest.scripts[0]!.id).toBe(SCRIPT.id);
    expect(manifest.scripts[0]!.run_on_start).toBe(false); // schema default applied
    const [req] = fake.requestsTo('manifest');
    expect(req).toMatchObject({ method: 'GET', token: fake.token, status: 200 });
  });

  it('keeps a path prefix of --url', async () => {
    const c = new HttpControlPlane({ url: `${fake.url}/prefix/`, token: fake.token, logger: log.logger, timing: FAST });
    clients.push(c);
    fake.override = ({ path }) => (path === '/prefix/api/v2/workspaceagents/me/manifest' ? json(200, makeManifest()) : undefined);
    await expect(c.fetchManifest()).resolves.toMatchObject({ workspace_name: 'ws-test' });
  });

  it('retries the manifest through network failures, 5xx and a temporary 401', async () => {
    const answers = [0, 503, 401, 500];
    fake.override = ({ path, count }) => (path === 'manifest' && count <= answers.length ? { status: answers[count - 1]! } : undefined);
    await expect(client().fetchManifest()).resolves.toMatchObject({ agent_id: IDS.agent });
    expect(fake.requestsTo('manifest').map((r) => r.status)).toEqual([0, 503, 401, 500, 200]);
    expect(log.withMsg('control plane request failed; retrying')).toHaveLength(4);
  });

  it.each([
    ['a missing field', { ...makeManifest(), workspace_id: undefined }, /invalid manifest: workspace_id: /],
    ['a bad script id', makeManifest({ scripts: [{ ...SCRIPT, id: 'nope' }] }), /invalid manifest: scripts\[0\]\.id: /],
    ['a wrong type deep inside', makeManifest({ apps: [{ id: IDS.app, slug: 'a', healthcheck: { url: 'x', interval_s: 'often', threshold: 1 } }] }), /invalid manifest: apps\[0\]\.healthcheck\.interval_s: /],
  ])('a manifest with %s is rejected and the error names the field', async (_name, manifest, message) => {
    fake.manifest = manifest;
    await expect(client().fetchManifest()).rejects.toThrow(message);
  });

  it('a manifest that is not JSON is rejected', async () => {
    fake.override = ({ path }) => (path === 'manifest' ? { status: 200, body: '<html>proxy</html>', contentType: 'text/html' } : undefined);
    await expect(client().fetchManifest()).rejects.toThrow(/invalid manifest: not valid JSON/);
  });

  it.each([
    ['JSON error body', json(404, { message: 'Route not found.', detail: 'no such thing' }), 'GET manifest: HTTP 404: Route not found. (no such thing)'],
    ['non-JSON error body', { status: 400, body: 'plain words', contentType: 'text/plain' }, 'GET manifest: HTTP 400: plain words'],
  ])('a final 4xx with a %s fails with the server’s words', async (_name, answer, message) => {
    fake.override = ({ path }) => (path === 'manifest' ? answer : undefined);
    const err = (await client().fetchManifest().catch((e: unknown) => e)) as ControlPlaneError;
    expect(isControlPlaneError(err, 'REQUEST_REJECTED')).toBe(true);
    expect(err.message).toBe(message);
    expect(fake.requestsTo('manifest')).toHaveLength(1);
  });
});

describe('lifecycle', () => {
  it('delivers transitions in order, each retried until accepted', async () => {
    fake.override = ({ path, count }) => (path === 'lifecycle' && count <= 2 ? { status: 502 } : undefined);
    const c = client();
    const t0 = new Date('2026-01-01T00:00:00.000Z');
    await Promise.all(
      (['created', 'starting', 'ready'] as const).map((state, i) => c.reportLifecycle(state, new Date(t0.getTime() + i))),
    );
    expect(fake.lifecycleStates()).toEqual(['created', 'starting', 'ready']);
    expect(fake.accepted('lifecycle')[0]).toEqual({ state: 'created', changed_at: '2026-01-01T00:00:00.000Z' });
  });

  it('a 400 is final', async () => {
    fake.override = ({ path }) => (path === 'lifecycle' ? json(400, { message: 'Invalid lifecycle state.' }) : undefined);
    await expect(client().reportLifecycle('ready', new Date())).rejects.toMatchObject({ code: 'REQUEST_REJECTED', status: 400 });
  });
});

describe('logs, timings, units, app health and status', () => {
  it('batches output per log source with levels, and close() flushes without waiting for the timer', async () => {
    const c = client({ logLimits: { flushIntervalMs: 60_000 } });
    c.logSink.send(SCRIPT.log_source_id, entry('one'));
    c.logSink.send(SOURCE_2, entry('boom', 'error'));
    c.logSink.send(SCRIPT.log_source_id, entry('two'));
    const started = Date.now();
    await c.close(2_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    const batches = fake.accepted<{ log_source_id: string; logs: { output: string; level: string }[] }>('logs');
    expect(batches.map((b) => [b.log_source_id, b.logs.map((l) => `${l.level}:${l.output}`)])).toEqual([
      [SCRIPT.log_source_id, ['info:one', 'info:two']],
      [SOURCE_2, ['error:boom']],
    ]);
  });

  it('flushes after 250 ms by default', async () => {
    const c = client();
    c.logSink.send(SCRIPT.log_source_id, entry('later'));
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.requestsTo('logs')).toHaveLength(0);
    await fake.waitFor(() => fake.accepted('logs').length === 1, 'the timed flush', 2_000);
  });

  it('stops sending logs after a 413 and warns once', async () => {
    fake = await swapFake(new FakeControlPlane({ manifest: makeManifest(), logLimitBytes: 10 }));
    const c = client({ logLimits: { flushIntervalMs: 10 } });
    c.logSink.send(SCRIPT.log_source_id, entry('too much'));
    await fake.waitFor(() => fake.requestsTo('logs').length === 1, 'the rejected batch');
    await new Promise((r) => setTimeout(r, 50));
    c.logSink.send(SCRIPT.log_source_id, entry('more'));
    await c.close(500);
    expect(fake.requestsTo('logs').map((r) => r.status)).toEqual([413]);
    expect(log.withMsg('control plane log limit exceeded; no more script output will be sent')).toHaveLength(1);
  });

  it('posts a script timing; an unknown script (400) is dropped with a warning, not retried', async () => {
    const c = client();
    const timing = { script_id: SCRIPT.id, start: new Date().toISOString(), end: new Date().toISOString(), exit_code: 0, stage: 'START' as const, status: 'ok' as const };
    await c.timingReporter.report(timing, new AbortController().signal);
    await c.timingReporter.report({ ...timing, script_id: '00000000-0000-4000-8000-0000000000ff' }, new AbortController().signal);
    expect(fake.requestsTo('script-timings').map((r) => r.status)).toEqual([204, 400]);
    expect(fake.accepted('script-timings')).toEqual([timing]);
    expect(log.withMsg('script timing not accepted')).toHaveLength(1);
  });

  it('a timing report gives up when the runner’s window aborts', async () => {
    fake.override = ({ path }) => (path === 'script-timings' ? { status: 503 } : undefined);
    const window = new AbortController();
    const report = client().timingReporter.report(
      { script_id: SCRIPT.id, start: new Date().toISOString(), end: new Date().toISOString(), exit_code: 1, stage: 'STOP', status: 'exit_failure' },
      window.signal,
    );
    setTimeout(() => window.abort(new Error('window elapsed')), 100);
    await expect(report).rejects.toThrow('window elapsed');
  });

  it('forwards app status; it rejects when the control plane cannot take it, so the socket answers 502', async () => {
    const c = client();
    const status = { app_slug: 'claude', state: 'working' as const, message: 'Agent is working' };
    await c.forwardAppStatus(status);
    expect(fake.accepted('app-status')).toEqual([status]);
    fake.override = ({ path }) => (path === 'app-status' ? { status: 503 } : undefined);
    const started = Date.now();
    await expect(c.forwardAppStatus(status)).rejects.toMatchObject({ code: 'NOT_DELIVERED' });
    expect(Date.now() - started).toBeLessThan(1_000);
    fake.override = ({ path }) => (path === 'app-status' ? json(400, { message: 'Invalid request body.' }) : undefined);
    await expect(c.forwardAppStatus(status)).rejects.toMatchObject({ code: 'REQUEST_REJECTED' });
  });

  it('app health and units reports are validated by the fake and accepted', async () => {
    const c = client();
    await c.reportAppHealth({ [IDS.app]: 'initializing' });
    await c.reportUnits({ units: [{ unit: 'a', status: 'pending', is_ready: true }], dependencies: [] });
    await c.reportAppStatus({ app_slug: 'claude', state: 'idle', message: 'Agent is idle' });
    expect(fake.accepted('app-health')).toEqual([{ healths: { [IDS.app]: 'initializing' } }]);
    expect(fake.accepted('units')).toHaveLength(1);
    expect(fake.accepted('app-status')).toHaveLength(1);
  });
});

describe('command channel', () => {
  async function connected(c: HttpControlPlane): Promise<ShutdownCommand[]> {
    const shutdowns: ShutdownCommand[] = [];
    c.onShutdown((command) => shutdowns.push(command));
    await c.fetchManifest();
    await fake.waitFor(() => fake.openStreams === 1, 'the events stream');
    return shutdowns;
  }

  it('opens GET events after the manifest; shutdown reaches the listener once; pings and malformed events are ignored', async () => {
    const c = client();
    const shutdowns = await connected(c);
    expect(fake.requestsTo('events')[0]).toMatchObject({ method: 'GET', token: fake.token });
    fake.sendComment('ping');
    fake.sendShutdown({ build_id: 'not-a-uuid' });
    fake.sendEvent('something_new', { x: 1 });
    fake.sendShutdown({ build_id: IDS.build, grace_period_ms: 1234 });
    fake.sendShutdown({ build_id: IDS.build, grace_period_ms: 1234 });
    await fake.waitFor(() => log.withMsg('repeated shutdown event ignored').length === 1, 'the repeat');
    expect(shutdowns).toEqual([{ buildId: IDS.build, gracePeriodMs: 1234 }]);
    expect(log.withMsg('ignoring malformed shutdown event')).toHaveLength(1);
  });

  it('reconnects with backoff and re-posts lifecycle state, app health and the unit snapshot', async () => {
    const c = client();
    await connected(c);
    await c.reportLifecycle('ready', new Date('2026-01-01T00:00:00Z'));
    await c.reportAppHealth({ [IDS.app]: 'initializing' });
    await c.reportAppHealth({ [IDS.app]: 'healthy' });
    const snapshot = { units: [{ unit: 'coder_script.x', status: 'completed' as const, is_ready: true }], dependencies: [] };
    await c.reportUnits(snapshot);
    // The first connect re-posted nothing.
    expect(fake.lifecycleStates()).toEqual(['ready']);
    expect(fake.accepted('units')).toHaveLength(1);
    const before = fake.requests.length;
    // Refuse the first reconnect: the channel keeps trying.
    fake.override = ({ path, count }) => (path === 'events' && count === 2 ? { status: 503 } : undefined);
    fake.dropStreams();
    await fake.waitFor(() => fake.openStreams === 1 && fake.requestsTo('events').length === 3, 'the reconnect');
    await fake.waitFor(() => fake.requests.slice(before).filter((r) => r.method === 'POST').length === 3, 'the re-posts');
    const reposts = fake.requests.slice(before).filter((r) => r.method === 'POST');
    expect(Object.fromEntries(reposts.map((r) => [r.path, r.body]))).toEqual({
      lifecycle: { state: 'ready', changed_at: '2026-01-01T00:00:00.000Z' },
      'app-health': { healths: { [IDS.app]: 'healthy' } },
      units: snapshot,
    });
  });

  it('reconnects when the stream goes silent (idle watchdog)', async () => {
    const c = client({ timing: { ...FAST, eventsIdleTimeoutMs: 150 } });
    await connected(c);
    await fake.waitFor(() => fake.requestsTo('events').length >= 2, 'a reconnect after silence', 3_000);
    // Pings keep it open.
    const count = fake.requestsTo('events').length;
    await fake.waitFor(() => fake.openStreams === 1, 'the new stream');
    const pinger = setInterval(() => fake.sendComment(), 40);
    await new Promise((r) => setTimeout(r, 400));
    clearInterval(pinger);
    expect(fake.requestsTo('events').length).toBe(count);
  });
});

describe('token rejection (§3.2.1)', () => {
  it('401s that persist for the window reject the token: onFatal once, every request fails with "agent token rejected"', async () => {
    const fatal: ControlPlaneError[] = [];
    const c = client({ token: 'wrong-token', onFatal: (e) => fatal.push(e) });
    const lifecycle = c.reportLifecycle('created', new Date());
    const started = Date.now();
    await expect(c.fetchManifest()).rejects.toThrow('agent token rejected');
    expect(Date.now() - started).toBeGreaterThanOrEqual(FAST.tokenRejectedAfterMs - 20);
    await expect(lifecycle).rejects.toMatchObject({ code: 'TOKEN_REJECTED', message: 'agent token rejected' });
    await expect(c.reportUnits({ units: [], dependencies: [] })).rejects.toMatchObject({ code: 'TOKEN_REJECTED' });
    expect(fatal).toHaveLength(1);
    expect(fatal[0]!.code).toBe('TOKEN_REJECTED');
    // A request already on the wire when the token was rejected may still land; after that, silence.
    await new Promise((r) => setTimeout(r, 50));
    const calls = fake.requests.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.requests.length).toBe(calls); // nothing retries any more
  });

  it('persisting 401s on the events stream count too', async () => {
    const fatal: ControlPlaneError[] = [];
    const c = client({ onFatal: (e) => fatal.push(e) });
    await c.fetchManifest();
    fake.override = ({ path }) => (path === 'events' ? json(401, { message: 'Workspace agent not authorized.' }) : undefined);
    fake.dropStreams();
    await fake.waitFor(() => fatal.length === 1, 'the fatal rejection', 3_000);
  });
});

async function swapFake(next: FakeControlPlane): Promise<FakeControlPlane> {
  await fake.close();
  return next.start();
}
