// The `taskyard up` banner: URLs, token (kept / missing / rejected), the CLI
// line only when the CLI could be logged in, paths relative to the cwd.
import { describe, expect, it } from 'vitest';
import { bannerText, displayPath, type BannerInput } from './banner.js';

const base: BannerInput = {
  accessUrl: 'http://127.0.0.1:3000/',
  token: 'abcdefghij-0123456789012345678901',
  sessionFile: '/repo/.taskyard/session',
  cliConfigDir: '/repo/.taskyard/cli',
  serverLogFile: '/repo/.taskyard/server.log',
  cwd: '/repo',
};

describe('bannerText', () => {
  it('tells where to sign in, the token, and how to use the CLI', () => {
    const text = bannerText(base);
    expect(text).toContain('taskyard is running at http://127.0.0.1:3000\n');
    expect(text).toContain('  Dashboard   http://127.0.0.1:3000/tasks\n');
    expect(text).toContain('  Sign in     http://127.0.0.1:3000/login\n');
    expect(text).toContain('session token: abcdefghij-0123456789012345678901  (kept in .taskyard/session)');
    expect(text).toContain('  CLI         TASKYARD_CONFIG_DIR=.taskyard/cli npx taskyard task list\n');
    expect(text).toContain('  Server log  .taskyard/server.log');
    expect(text).toContain('Ctrl+C pauses the running tasks');
  });

  it('explains a missing token and leaves the CLI line out', () => {
    const text = bannerText({ ...base, token: undefined });
    expect(text).toContain('no session token kept in .taskyard/session');
    expect(text).not.toContain('session token:');
    expect(text).not.toContain('TASKYARD_CONFIG_DIR');
  });

  it('says when the kept token was rejected, without printing it', () => {
    const text = bannerText({ ...base, tokenRejected: true });
    expect(text).toContain('was rejected by the server');
    expect(text).not.toContain(base.token!);
    expect(text).not.toContain('TASKYARD_CONFIG_DIR');
  });

  it('quotes a CLI config dir the shell would split', () => {
    expect(bannerText({ ...base, cliConfigDir: "/other/my dir's/cli" })).toContain(`TASKYARD_CONFIG_DIR='/other/my dir'\\''s/cli' npx`);
  });
});

describe('displayPath', () => {
  it.each([
    ['/repo/.taskyard/session', '/repo', '.taskyard/session'],
    ['/elsewhere/data', '/repo', '/elsewhere/data'],
    ['/repo', '/repo', '/repo'],
    ['/repository/x', '/repo', '/repository/x'],
  ])('%s from %s → %s', (path, cwd, shown) => expect(displayPath(path, cwd)).toBe(shown));
});
