// The §3.6 agent-token validity rule as a table (server.md): the start build
// B of the token's agent against the workspace's latest build L. Pure; the
// database-backed lookup is covered by test/server-agent-api.test.ts.
import { describe, expect, it } from 'vitest';
import { agentTokenIsValid, type TokenBuilds } from './token-validity.js';

const B: TokenBuilds['build'] = { id: 'b', buildNumber: 3, jobStatus: 'succeeded', templateVersionId: 'v1' };
const L = (patch: Partial<TokenBuilds['latest']>): TokenBuilds['latest'] => ({
  id: 'l',
  buildNumber: 4,
  transition: 'stop',
  jobStatus: 'running',
  templateVersionId: 'v1',
  ...patch,
});

describe('agentTokenIsValid', () => {
  it.each<[string, Partial<TokenBuilds['build']>, TokenBuilds['latest'], boolean]>([
    ['B is the latest build (job succeeded)', {}, { ...B, transition: 'start' }, true],
    ['B is the latest build (job still running)', { jobStatus: 'running' }, { ...B, jobStatus: 'running', transition: 'start' }, true],
    ['B is the latest build (job failed)', { jobStatus: 'failed' }, { ...B, jobStatus: 'failed', transition: 'start' }, true],
    ['stop N+1 pending', {}, L({ jobStatus: 'pending' }), true],
    ['stop N+1 running', {}, L({ jobStatus: 'running' }), true],
    ['stop N+1 succeeded', {}, L({ jobStatus: 'succeeded' }), false],
    ['stop N+1 failed', {}, L({ jobStatus: 'failed' }), false],
    ['stop N+1 canceled', {}, L({ jobStatus: 'canceled' }), false],
    ['stop N+2 running', {}, L({ buildNumber: 5 }), false],
    ['delete N+1 running', {}, L({ transition: 'delete' }), false],
    ['start N+1 pending', {}, L({ transition: 'start', jobStatus: 'pending' }), false],
    ['stop N+1 running on another template version', {}, L({ templateVersionId: 'v2' }), false],
    ['B failed, stop N+1 running', { jobStatus: 'failed' }, L({}), false],
    ['B still running, stop N+1 pending', { jobStatus: 'running' }, L({ jobStatus: 'pending' }), false],
  ])('%s → %s', (_name, build, latest, valid) => {
    expect(agentTokenIsValid({ build: { ...B, ...build }, latest })).toBe(valid);
  });
});
