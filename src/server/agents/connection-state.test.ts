// The §4.5 connected/disconnected rule from the stored stamps (server.md),
// as a table. Pure; the stream bookkeeping is in test/server-agent-events.test.ts.
import { describe, expect, it } from 'vitest';
import { agentConnectionStatus, CONNECTION_STALE_MS } from './connection-state.js';

const now = new Date('2025-01-01T12:00:00Z');
const ago = (ms: number): Date => new Date(now.getTime() - ms);

describe('agentConnectionStatus', () => {
  it.each([
    ['never connected', null, null, 'disconnected'],
    ['connected, recent stamp', ago(1000), null, 'connected'],
    ['connected, stamp just within the stale limit', ago(CONNECTION_STALE_MS), null, 'connected'],
    ['stamp older than the stale limit (replica gone)', ago(CONNECTION_STALE_MS + 1), null, 'disconnected'],
    ['disconnected after the last stamp', ago(5000), ago(1000), 'disconnected'],
    ['disconnected at the same instant as the stamp', ago(1000), ago(1000), 'disconnected'],
    ['reconnected after a disconnect', ago(1000), ago(5000), 'connected'],
  ] as const)('%s → %s', (_name, last, disconnected, status) => {
    expect(agentConnectionStatus({ last_connected_at: last, disconnected_at: disconnected }, now)).toBe(status);
  });
});
