// The progress formatter of `taskyard up`: which server log lines become
// which human lines (table of cases), build timing across lines, names from
// the caller with an id fallback, and bad input (non-JSON, JSON without
// `msg`, arrays, missing times) passed through or ignored without throwing.
import { describe, expect, it } from 'vitest';
import { firstPostgresStartNotice, formatSeconds, parseServerLine, ProgressFormatter, workspaceOf, type ServerLogLine } from './progress.js';

const T0 = Date.parse('2026-11-22T03:00:00.000Z');
const at = (ms: number): string => new Date(T0 + ms).toISOString();
const WS = '0b7e2f7c-1111-4222-8333-444455556666';
const names = (id: string): string | undefined => (id === WS ? 'admin/fix-bug' : undefined);

describe('parseServerLine', () => {
  it.each<[string, string, ReturnType<typeof parseServerLine>]>([
    ['a log line', '{"level":"info","msg":"server started"}', { kind: 'log', line: { level: 'info', msg: 'server started' } }],
    ['a trailing newline is dropped', '{"msg":"x"}\n', { kind: 'log', line: { msg: 'x' } }],
    ['plain text (a failed start)', 'error: invalid --address "x": expected <host>:<port>', { kind: 'text', text: 'error: invalid --address "x": expected <host>:<port>' }],
    ['broken JSON', '{"msg": ', { kind: 'text', text: '{"msg": ' }],
    ['JSON without msg', '{"level":"info"}', { kind: 'text', text: '{"level":"info"}' }],
    ['msg not a string', '{"msg":42}', { kind: 'text', text: '{"msg":42}' }],
    ['a JSON array', '["msg"]', { kind: 'text', text: '["msg"]' }],
    ['empty line', '', { kind: 'text', text: '' }],
  ])('%s', (_name, raw, expected) => expect(parseServerLine(raw)).toEqual(expected));
});

describe('ProgressFormatter', () => {
  it.each<[string, ServerLogLine, string[]]>([
    ['initdb duration from the spawn', { time: at(4200), msg: 'embedded postgres initialised' }, ['PostgreSQL: database cluster created in 4.2 s']],
    ['migrations', { time: at(10), msg: 'database migrated', versions: [1, 2] }, ['Database: migrations applied (1, 2)']],
    ['migrations without versions', { time: at(10), msg: 'database migrated' }, ['Database: migrations applied']],
    ['external postgres (URL already redacted by the server)', { time: at(10), msg: 'using external postgres', postgres_url: 'postgres://u:***@db/x' }, ['PostgreSQL: using postgres://u:***@db/x']],
    ['pausing nothing', { msg: 'pausing workspaces for shutdown', count: 0 }, ['No running workspace to pause.']],
    ['pausing', { msg: 'pausing workspaces for shutdown', count: 2 }, ['Pausing 2 workspace(s) so their tasks can be resumed later…']],
    ['paused', { msg: 'workspaces paused for shutdown', count: 2, duration_ms: 1530 }, ['All workspaces paused in 1.5 s']],
    [
      'pause cut short',
      { level: 'warn', msg: 'pausing workspaces for shutdown cut short; workspace processes killed', outcome: 'hurried', workspace_ids: [WS] },
      ['Pausing cut short (stopping faster): killed the processes of 1 workspace(s); they finish pausing on the next start'],
    ],
    [
      'pause timed out',
      { level: 'warn', msg: 'pausing workspaces for shutdown cut short; workspace processes killed', outcome: 'timed_out', workspace_ids: [] },
      ['Pausing cut short (the stop grace period is over): killed the processes of 0 workspace(s); they finish pausing on the next start'],
    ],
    ['a warning with an error', { level: 'warn', msg: 'event listener lost', err: { message: 'connection reset' } }, ['warning: event listener lost: connection reset']],
    ['an error without details', { level: 'error', msg: 'task loop failed', err: 'weird' }, ['error: task loop failed']],
    ['request logs are not progress', { level: 'info', msg: 'request', path: '/healthz' }, []],
    ['a build line without build_id is ignored', { level: 'info', msg: 'provisioner job succeeded' }, []],
  ])('%s', (_name, line, expected) => {
    expect(new ProgressFormatter(T0).format(line, names)).toEqual(expected);
  });

  it('times the startup phases one after the other', () => {
    const f = new ProgressFormatter(T0);
    expect(f.format({ time: at(3000), msg: 'embedded postgres initialised' })).toEqual(['PostgreSQL: database cluster created in 3.0 s']);
    expect(f.format({ time: at(3500), msg: 'embedded postgres started' })).toEqual(['PostgreSQL: started in 0.5 s']);
    expect(f.format({ time: at(4000), msg: 'server started', access_url: 'http://x' })).toEqual(['Server: started in 0.5 s']);
  });

  it('names the registered templates when the server started', () => {
    const f = new ProgressFormatter(T0);
    expect(f.format({ msg: 'template registered', template: 'demo' })).toEqual([]);
    expect(f.format({ msg: 'template registered', template: 'custom' })).toEqual([]);
    expect(f.format({ msg: 'template registered', template: 'demo' })).toEqual([]);
    expect(f.format({ msg: 'template registered', template: 7 })).toEqual([]);
    expect(f.format({ time: at(1000), msg: 'server started' })).toEqual(['Server: started in 1.0 s; templates: demo, custom']);
  });

  it('follows a build from queued to succeeded with its name and duration', () => {
    const f = new ProgressFormatter(T0);
    const ids = { workspace_id: WS, build_id: 'b1', job_id: 'j1' };
    expect(f.format({ time: at(0), msg: 'workspace build queued', transition: 'start', reason: 'initiator', build_number: 1, ...ids }, names)).toEqual([
      'Build #1 (start) of admin/fix-bug: queued',
    ]);
    expect(f.format({ time: at(1500), msg: 'provisioner job started', transition: 'start', reason: 'initiator', build_number: 1, ...ids }, names)).toEqual([
      'Build #1 (start) of admin/fix-bug: started after 1.5 s in the queue',
    ]);
    expect(f.format({ time: at(1800), msg: 'provisioner job succeeded', ...ids }, names)).toEqual(['Build #1 (start) of admin/fix-bug: succeeded in 0.3 s']);
  });

  it.each<[string, string, string]>([
    ['task_manual_pause', 'stop', 'pause'],
    ['task_auto_pause', 'stop', 'auto-pause'],
    ['task_resume', 'start', 'resume'],
    ['initiator', 'delete', 'delete'],
    ['something_new', 'stop', 'stop'],
  ])('names the action of reason %s / %s as %s', (reason, transition, action) => {
    const line = { msg: 'workspace build queued', workspace_id: WS, build_id: 'b', transition, reason, build_number: 2 };
    expect(new ProgressFormatter(T0).format(line, names)).toEqual([`Build #2 (${action}) of admin/fix-bug: queued`]);
  });

  it('reports a failed build with its error, an unknown workspace by its id, and a build first seen when it started', () => {
    const f = new ProgressFormatter(T0);
    const ids = { workspace_id: 'ffffffff-0000-4000-8000-000000000000', build_id: 'b9' };
    expect(f.format({ time: at(0), msg: 'provisioner job started', transition: 'start', reason: 'task_resume', build_number: 3, ...ids }, names)).toEqual([
      'Build #3 (resume) of workspace ffffffff: started',
    ]);
    expect(f.format({ time: at(250), level: 'warn', msg: 'provisioner job failed', error: 'template did not render', ...ids }, names)).toEqual([
      'Build #3 (resume) of workspace ffffffff: FAILED after 0.3 s: template did not render',
    ]);
  });

  it('reports a build interrupted by the shutdown', () => {
    const f = new ProgressFormatter(T0);
    const line = { msg: 'provisioner job interrupted by shutdown; it keeps its state', workspace_id: WS, build_id: 'b2' };
    expect(f.format(line, names)).toEqual(['Build (build) of admin/fix-bug: interrupted by the shutdown; it continues on the next start']);
  });

  it('survives lines without time or with a bad time', () => {
    const f = new ProgressFormatter(T0);
    expect(() => f.format({ msg: 'embedded postgres started', time: 'yesterday' })).not.toThrow();
    expect(f.format({ msg: 'workspace build queued', build_id: 'x' })).toEqual(['Build (build) of a workspace: queued']);
  });
});

describe('helpers', () => {
  it('workspaceOf only names build lines', () => {
    expect(workspaceOf({ msg: 'workspace build queued', workspace_id: WS })).toBe(WS);
    expect(workspaceOf({ msg: 'agent connected', workspace_id: WS })).toBeUndefined();
    expect(workspaceOf({ msg: 'provisioner job started', workspace_id: 7 })).toBeUndefined();
  });
  it.each([
    [0, '0.0 s'],
    [1234, '1.2 s'],
    [-5, '0.0 s'],
  ])('formatSeconds(%d) = %s', (ms, text) => expect(formatSeconds(ms)).toBe(text));
  it('tells the first PostgreSQL start', () => expect(firstPostgresStartNotice('.taskyard/postgres')).toContain('initdb takes a while'));
});
