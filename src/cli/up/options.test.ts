// `taskyard up` settings: address precedence (flag > TASKYARD_ADDRESS > PORT >
// default), data dir default inside the cwd, the server arguments, and the
// error texts of bad values.
import { describe, expect, it } from 'vitest';
import { resolveUpOptions, UpOptionsError } from './options.js';

describe('resolveUpOptions', () => {
  it('defaults: 127.0.0.1:3000, ./.taskyard, embedded PostgreSQL, pause on shutdown', () => {
    expect(resolveUpOptions({}, [], {}, '/repo')).toEqual({
      address: '127.0.0.1:3000',
      dataDir: '/repo/.taskyard',
      serverDataDir: '/repo/.taskyard',
      defaultDataDir: true,
      sessionFile: '/repo/.taskyard/session',
      cliConfigDir: '/repo/.taskyard/cli',
      serverLogFile: '/repo/.taskyard/server.log',
      serverArgs: ['server', '--address', '127.0.0.1:3000', '--data-dir', '/repo/.taskyard', '--pause-tasks-on-shutdown'],
      embeddedPostgres: true,
    });
  });

  it.each<[string, { address?: string }, NodeJS.ProcessEnv, string]>([
    ['flag wins', { address: '127.0.0.1:0' }, { TASKYARD_ADDRESS: '0.0.0.0:1', PORT: '2' }, '127.0.0.1:0'],
    ['TASKYARD_ADDRESS over PORT', {}, { TASKYARD_ADDRESS: '0.0.0.0:4000', PORT: '5000' }, '0.0.0.0:4000'],
    ['PORT', {}, { PORT: '5000' }, '127.0.0.1:5000'],
    ['empty variables are unset', {}, { TASKYARD_ADDRESS: '', PORT: '' }, '127.0.0.1:3000'],
  ])('address: %s', (_name, flags, env, address) => expect(resolveUpOptions(flags, [], env, '/repo').address).toBe(address));

  it('passes unknown arguments through and notices an external database', () => {
    const options = resolveUpOptions({ dataDir: 'data' }, ['--log-level', 'debug', '--postgres-url=postgres://h/db'], {}, '/repo');
    expect(options.dataDir).toBe('/repo/data');
    expect(options.serverArgs).toEqual(['server', '--address', '127.0.0.1:3000', '--data-dir', '/repo/data', '--pause-tasks-on-shutdown', '--log-level', 'debug', '--postgres-url=postgres://h/db']);
    expect(options.embeddedPostgres).toBe(false);
    expect(resolveUpOptions({}, [], { TASKYARD_POSTGRES_URL: 'postgres://h/db', TASKYARD_DATA_DIR: '/d' }, '/repo')).toMatchObject({ embeddedPostgres: false, dataDir: '/d' });
  });

  it.each<[string, { address?: string; dataDir?: string }, NodeJS.ProcessEnv, string]>([
    ['bad address flag', { address: 'localhost' }, {}, 'invalid --address "localhost": expected <host>:<port>'],
    ['bad TASKYARD_ADDRESS', {}, { TASKYARD_ADDRESS: 'x:99999' }, 'invalid TASKYARD_ADDRESS "x:99999": expected <host>:<port>'],
    ['bad PORT', {}, { PORT: 'http' }, 'invalid PORT "http": expected a port number (0-65535)'],
    ['PORT too big', {}, { PORT: '70000' }, 'invalid PORT "70000": expected a port number (0-65535)'],
    ['empty data dir', { dataDir: '' }, {}, 'invalid --data-dir "": expected a directory'],
  ])('rejects %s', (_name, flags, env, message) => {
    const run = () => resolveUpOptions(flags, [], env, '/repo');
    expect(run).toThrow(UpOptionsError);
    expect(run).toThrow(message);
  });
});
