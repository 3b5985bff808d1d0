// Token material (server.md §3.2, §3.5): formats, hashing and constant-time
// comparison, and the agent-token hook of the auth middleware. No database.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../api/env.js';
import { HttpError } from '../api/errors.js';
import { requireAgent, type AuthenticatedAgent } from './middleware.js';
import { generateAgentToken, generateSessionToken, hashAgentToken, hashesEqual, parseSessionToken, sha256 } from './tokens.js';

describe('session tokens', () => {
  it('are <10-char id>-<22-char secret>, alphanumeric, unique, hashed as SHA-256 of the secret', () => {
    const tokens = Array.from({ length: 200 }, () => generateSessionToken());
    for (const t of tokens) {
      expect(t.token).toMatch(/^[a-zA-Z0-9]{10}-[a-zA-Z0-9]{22}$/);
      expect(t.token).toBe(`${t.id}-${t.secret}`);
      expect(t.hashedSecret.equals(sha256(t.secret))).toBe(true);
      expect(parseSessionToken(t.token)).toEqual({ id: t.id, secret: t.secret });
    }
    expect(new Set(tokens.map((t) => t.token)).size).toBe(200);
  });

  it.each(['', 'abc', 'AAAAAAAAAA-BBBBBBBBBBBBBBBBBBBBB', 'AAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBB', ' AAAAAAAAAA-BBBBBBBBBBBBBBBBBBBBBB', 'AAAAAAAAA!-BBBBBBBBBBBBBBBBBBBBBB'])(
    'rejects the malformed token %j',
    (token) => expect(parseSessionToken(token)).toBeUndefined(),
  );

  it('compares hashes in constant time, false for different lengths', () => {
    expect(hashesEqual(sha256('a'), sha256('a'))).toBe(true);
    expect(hashesEqual(sha256('a'), sha256('b'))).toBe(false);
    expect(hashesEqual(sha256('a'), sha256('a').subarray(1))).toBe(false);
  });
});

describe('agent tokens', () => {
  it('are UUID v4 stored as SHA-256 of the lower-cased text', () => {
    const { token, hash } = generateAgentToken();
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(hashesEqual(hash, hashAgentToken(token.toUpperCase()))).toBe(true);
  });

  it('requireAgent passes the token hash to the validator and answers 401 otherwise', async () => {
    const { token, hash } = generateAgentToken();
    const agent: AuthenticatedAgent = { agentId: 'a', workspaceId: 'w', buildId: 'b' };
    const app = new Hono<AppEnv>();
    app.onError((err, c) => (err instanceof HttpError ? c.json(err.body, err.status) : c.text('boom', 500)));
    app.get('/agent', requireAgent(async (h) => (hashesEqual(h, hash) ? agent : undefined)), (c) => c.json(c.get('agent')));
    const call = async (headers: Record<string, string>) => {
      const response = await app.request('/agent', { headers });
      return { status: response.status, body: (await response.json()) as unknown };
    };
    expect(await call({ 'Coder-Session-Token': token })).toEqual({ status: 200, body: agent });
    const denied = { status: 401, body: { message: 'Workspace agent not authorized.' } };
    expect(await call({})).toEqual(denied);
    expect(await call({ 'Coder-Session-Token': generateAgentToken().token })).toEqual(denied);
  });
});
