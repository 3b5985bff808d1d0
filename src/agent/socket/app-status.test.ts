// `POST /api/v1/app-status` (§4.2): validated with the shared protocol schema
// and handed to the forwarder the agent passes in; no forwarder, or a failing
// one, is a 502.
// Must never leave a server, socket file or child process behind.
import { afterEach, describe, expect, it } from 'vitest';
import type { AppStatus } from '../../protocol/app-status.js';
import { SOCKET_ROUTES } from './protocol.js';
import { postJson, rawRequest, startServer, type RunningServer } from './testdata/socket-fixture.js';

const NOT_CONNECTED = '{"error":"agent not connected to control plane"}\n';

describe('app-status forwarding', () => {
  let s: RunningServer | undefined;
  afterEach(async () => {
    await s?.stop();
    s = undefined;
  });

  it('forwards a valid body and answers 204', async () => {
    const forwarded: AppStatus[] = [];
    s = await startServer({ forwardAppStatus: async (status) => void forwarded.push(status) });
    const body = { app_slug: 'claude', state: 'working', message: 'Agent is working', uri: 'https://example.com/pr/1' };
    const res = await postJson(s.path, SOCKET_ROUTES.appStatus, body);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(forwarded).toEqual([body]);
  });

  it.each(['working', 'idle', 'complete', 'failed', 'failure'])('accepts state %s without uri', async (state) => {
    const forwarded: AppStatus[] = [];
    s = await startServer({ forwardAppStatus: async (status) => void forwarded.push(status) });
    expect((await postJson(s.path, SOCKET_ROUTES.appStatus, { app_slug: 'a', state, message: '' })).status).toBe(204);
    expect(forwarded).toEqual([{ app_slug: 'a', state, message: '' }]);
  });

  it('502 without a forwarder', async () => {
    s = await startServer();
    const res = await postJson(s.path, SOCKET_ROUTES.appStatus, { app_slug: 'a', state: 'idle', message: 'm' });
    expect(res.status).toBe(502);
    expect(res.text).toBe(NOT_CONNECTED);
  });

  it('502 when the forwarder fails', async () => {
    s = await startServer({ forwardAppStatus: () => Promise.reject(new Error('ECONNREFUSED')) });
    const res = await postJson(s.path, SOCKET_ROUTES.appStatus, { app_slug: 'a', state: 'idle', message: 'm' });
    expect(res.status).toBe(502);
    expect(res.text).toBe(NOT_CONNECTED);
  });

  it.each([
    ['unknown state', '{"app_slug":"a","state":"sleeping","message":"m"}', /^invalid request body: state: /],
    ['missing message', '{"app_slug":"a","state":"idle"}', /^invalid request body: message: /],
    ['empty slug', '{"app_slug":"","state":"idle","message":"m"}', /^invalid request body: app_slug: /],
    ['not JSON', 'state=idle', /^invalid request body: /],
  ])('400 for %s, nothing forwarded', async (_name, body, message) => {
    let calls = 0;
    s = await startServer({ forwardAppStatus: async () => void calls++ });
    const res = await rawRequest(s.path, 'POST', SOCKET_ROUTES.appStatus, body);
    expect(res.status).toBe(400);
    expect((JSON.parse(res.text) as { error: string }).error).toMatch(message);
    expect(calls).toBe(0);
  });
});
