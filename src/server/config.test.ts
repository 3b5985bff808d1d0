// `taskyard server` settings (server.md §1.1): defaults, flag > env > default,
// and the error text of every invalid value. Pure: no files or sockets.
import { describe, expect, it } from 'vitest';
import { parseGoDuration } from '../protocol/go-duration.js';
import { accessUrlFor, resolveServerConfig, ServerConfigError, type ServerFlags } from './config.js';

const user = { uid: 1000, homeDir: '/home/u' };

describe('resolveServerConfig', () => {
  it('has the spec defaults', () => {
    expect(resolveServerConfig({}, {}, user)).toEqual({
      address: { host: '127.0.0.1', port: 3000 },
      accessUrl: undefined,
      dataDir: '/home/u/.local/share/taskyard',
      postgresUrl: '',
      templatesDir: '/home/u/.local/share/taskyard/templates',
      stopGracePeriodMs: 300_000,
      taskIdleTimeoutMs: 1_800_000,
      portRange: { start: 20000, end: 29999 },
      firstUserUsername: 'admin',
      logLevel: 'info',
      pauseTasksOnShutdown: false,
    });
  });

  it.each<[string, ServerFlags, NodeJS.ProcessEnv, boolean]>([
    ['flag', { pauseTasksOnShutdown: true }, {}, true],
    ['env true', {}, { TASKYARD_PAUSE_TASKS_ON_SHUTDOWN: 'true' }, true],
    ['env 1', {}, { TASKYARD_PAUSE_TASKS_ON_SHUTDOWN: '1' }, true],
    ['env 0', {}, { TASKYARD_PAUSE_TASKS_ON_SHUTDOWN: '0' }, false],
    ['empty env = unset', {}, { TASKYARD_PAUSE_TASKS_ON_SHUTDOWN: '' }, false],
  ])('pause tasks on shutdown (not in §1.1, off by default): %s', (_name, flags, env, expected) => {
    expect(resolveServerConfig(flags, env, user).pauseTasksOnShutdown).toBe(expected);
  });

  it.each([
    ['root', {}, { uid: 0, homeDir: '/root' }, '/var/lib/taskyard'],
    ['XDG_DATA_HOME', { XDG_DATA_HOME: '/xdg' }, user, '/xdg/taskyard'],
    ['relative XDG_DATA_HOME is ignored', { XDG_DATA_HOME: 'rel' }, user, '/home/u/.local/share/taskyard'],
  ])('default data dir: %s', (_name, env, system, expected) => {
    expect(resolveServerConfig({}, env, system).dataDir).toBe(expected);
  });

  it('prefers flags over env over defaults', () => {
    const env = { TASKYARD_ADDRESS: '0.0.0.0:4000', TASKYARD_LOG_LEVEL: 'warn', TASKYARD_DATA_DIR: '/env/data', TASKYARD_TASK_IDLE_TIMEOUT: '0' };
    const config = resolveServerConfig({ address: '[::1]:0', dataDir: '/flag/data' }, env, user);
    expect(config.address).toEqual({ host: '::1', port: 0 });
    expect(config.logLevel).toBe('warn');
    expect(config.dataDir).toBe('/flag/data');
    expect(config.templatesDir).toBe('/flag/data/templates');
    expect(config.taskIdleTimeoutMs).toBe(0);
  });

  it('treats an empty first-user variable as "disabled" but other empty variables as unset', () => {
    const config = resolveServerConfig({}, { TASKYARD_FIRST_USER_USERNAME: '', TASKYARD_ADDRESS: '' }, user);
    expect(config.firstUserUsername).toBe('');
    expect(config.address.port).toBe(3000);
    expect(resolveServerConfig({ firstUserUsername: '' }, {}, user).firstUserUsername).toBe('');
  });

  it('keeps valid URLs, strips the access URL trailing slash', () => {
    const config = resolveServerConfig({ accessUrl: 'https://ty.example.com/', postgresUrl: 'postgres://u:p@db:5432/x' }, {}, user);
    expect(config.accessUrl).toBe('https://ty.example.com');
    expect(config.postgresUrl).toBe('postgres://u:p@db:5432/x');
  });

  it.each<[string, ServerFlags, NodeJS.ProcessEnv, string]>([
    ['address without port', { address: 'localhost' }, {}, 'invalid --address "localhost": expected <host>:<port>'],
    ['address port too big', { address: '127.0.0.1:70000' }, {}, 'invalid --address "127.0.0.1:70000": expected <host>:<port>'],
    ['address from env', {}, { TASKYARD_ADDRESS: 'x' }, 'invalid TASKYARD_ADDRESS "x": expected <host>:<port>'],
    ['access url', { accessUrl: 'ftp://x' }, {}, 'invalid --access-url "ftp://x": expected an http or https URL'],
    ['postgres url (value not echoed)', { postgresUrl: 'mysql://u:secret@h/db' }, {}, 'invalid --postgres-url: expected a postgres:// or postgresql:// URL'],
    ['grace period', { stopGracePeriod: '5 minutes' }, {}, 'invalid --stop-grace-period "5 minutes": expected a duration such as 300s, 30m or 0'],
    ['idle timeout', {}, { TASKYARD_TASK_IDLE_TIMEOUT: '-1s' }, 'invalid TASKYARD_TASK_IDLE_TIMEOUT "-1s": expected a duration such as 300s, 30m or 0'],
    ['port range reversed', { portRange: '3000-2000' }, {}, 'invalid --port-range "3000-2000": expected <start>-<end> with 1 <= start <= end <= 65535'],
    ['port range zero', { portRange: '0-10' }, {}, 'invalid --port-range "0-10": expected <start>-<end> with 1 <= start <= end <= 65535'],
    ['first user', { firstUserUsername: 'bad name' }, {}, 'invalid --first-user-username "bad name": must match ^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$'],
    ['log level', { logLevel: 'trace' }, {}, 'invalid --log-level "trace": expected debug, info, warn or error'],
    ['empty data dir flag', { dataDir: '' }, {}, 'invalid --data-dir "": expected a directory'],
    ['pause on shutdown env', {}, { TASKYARD_PAUSE_TASKS_ON_SHUTDOWN: 'yes' }, 'invalid TASKYARD_PAUSE_TASKS_ON_SHUTDOWN "yes": expected true or false'],
  ])('rejects %s', (_name, flags, env, message) => {
    const run = () => resolveServerConfig(flags, env, user);
    expect(run).toThrow(ServerConfigError);
    expect(run).toThrow(message);
  });
});

describe('accessUrlFor', () => {
  it.each([
    [{ host: '127.0.0.1', port: 3000 }, 'http://127.0.0.1:3000'],
    [{ host: '::1', port: 80 }, 'http://[::1]:80'],
  ])('%o → %s', (address, url) => expect(accessUrlFor(address)).toBe(url));
});

describe('parseGoDuration', () => {
  it.each<[string, number | undefined]>([
    ['0', 0],
    ['300s', 300_000],
    ['30m', 1_800_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['250ms', 250],
    ['10us', 0.01],
    ['', undefined],
    ['5', undefined],
    ['-1s', undefined],
    ['1d', undefined],
    ['.s', undefined],
  ])('%j → %j', (text, ms) => expect(parseGoDuration(text)).toBe(ms));
});
