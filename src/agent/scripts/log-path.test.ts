import { describe, expect, it } from 'vitest';
import { lookupIn } from './expand-env.js';
import { resolveLogPath } from './log-path.js';

const ctx = { logDir: '/var/log/agent', homeDir: '/home/alice', lookup: lookupIn({ LOGS: '/srv/logs', NAME: 'svc' }) };
const id = '3f0b1c2d-0000-4000-8000-000000000001';

describe('resolveLogPath', () => {
  it.each([
    ['', `/var/log/agent/coder-script-${id}.log`],
    ['custom.log', '/var/log/agent/custom.log'],
    ['sub/dir/x.log', '/var/log/agent/sub/dir/x.log'],
    ['/abs/x.log', '/abs/x.log'],
    ['~/x.log', '/home/alice/x.log'],
    ['~', '/home/alice'],
    ['$LOGS/x.log', '/srv/logs/x.log'],
    ['${LOGS}/${NAME}.log', '/srv/logs/svc.log'],
    ['$NAME.log', '/var/log/agent/svc.log'],
  ])('%j → %j', (logPath, expected) => {
    expect(resolveLogPath(logPath, id, ctx)).toBe(expected);
  });

  it('defaults to /tmp/coder-script-<id>.log with the default log dir', () => {
    expect(resolveLogPath('', id, { ...ctx, logDir: '/tmp' })).toBe(`/tmp/coder-script-${id}.log`);
  });
});
