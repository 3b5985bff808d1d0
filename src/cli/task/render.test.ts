// Byte-exact goldens of the `taskyard task` renderers (server.md §7 with the
// agent.md §5.6 table rules) at a fixed clock: task tables, Go-style
// "state changed" durations, logs tables with multi-line content, JSON, and
// every logs WARN line. Pure: no I/O.
import { describe, expect, it } from 'vitest';
import type { Task, TaskLogs } from '../../server/tasks/protocol.js';
import { goDurationSeconds, logsWarning, renderLogs, renderTask, renderTasks, taskUpdateRenderer } from './render.js';

const NOW = Date.parse('2030-01-01T01:00:00.000Z');

function task(name: string, status: Task['status'], state: Task['current_state']): Task {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    organization_id: '00000000-0000-4000-8000-000000000001',
    owner_id: '00000000-0000-4000-8000-000000000002',
    owner_name: 'admin',
    name,
    display_name: '',
    template_id: '00000000-0000-4000-8000-000000000003',
    template_version_id: '00000000-0000-4000-8000-000000000004',
    template_name: 'demo',
    template_display_name: '',
    template_icon: '',
    workspace_id: null,
    workspace_name: null,
    workspace_status: null,
    workspace_build_number: null,
    workspace_agent_id: null,
    workspace_agent_lifecycle: null,
    workspace_agent_health: null,
    workspace_app_id: null,
    initial_prompt: 'hello',
    status,
    current_state: state,
    created_at: '2030-01-01T00:00:00.000Z',
    updated_at: '2030-01-01T00:00:00.000Z',
  };
}

describe('goDurationSeconds', () => {
  it.each([
    [0, '0s'],
    [0.9, '0s'],
    [5, '5s'],
    [59, '59s'],
    [60, '1m0s'],
    [65, '1m5s'],
    [3600, '1h0m0s'],
    [3605, '1h0m5s'],
    [90061, '25h1m1s'],
    [-3, '-3s'],
  ])('%d s → %s', (seconds, text) => {
    expect(goDurationSeconds(seconds)).toBe(text);
  });
});

describe('task tables', () => {
  const tasks = [
    task('task-1a2b3c4d', 'active', { timestamp: '2030-01-01T00:58:55.400Z', state: 'idle', message: 'Agent is idle', uri: '' }),
    task('t', 'pending', { timestamp: '2030-01-01T01:00:00.000Z', state: 'working', message: 'Workspace is starting', uri: '' }),
    task('paused-one', 'paused', null),
  ];

  it('list', () => {
    expect(renderTasks(tasks, 'table', NOW)).toBe(
      'NAME           STATUS   STATE    STATE CHANGED  MESSAGE                \n' +
        'task-1a2b3c4d  active   idle     1m4s ago       Agent is idle          \n' +
        't              pending  working  0s ago         Workspace is starting  \n' +
        'paused-one     paused                                                  \n',
    );
  });

  it('empty list and JSON', () => {
    expect(renderTasks([], 'table', NOW)).toBe('No tasks found.\n');
    expect(renderTasks([], 'json', NOW)).toBe('[]\n');
    expect(JSON.parse(renderTasks(tasks, 'json', NOW))).toEqual(tasks);
  });

  it('one task', () => {
    expect(renderTask(tasks[2]!, 'table', NOW)).toBe(`NAME        STATUS  STATE  STATE CHANGED  MESSAGE  \npaused-one  paused${' '.repeat(2 + 7 + 15 + 9)}\n`);
    expect(renderTask(tasks[2]!, 'json', NOW)).toBe(`${JSON.stringify(tasks[2], null, 2)}\n`);
  });
});

describe('status --watch', () => {
  const updates = [
    task('w', 'pending', { timestamp: '2030-01-01T01:00:00.000Z', state: 'working', message: 'Workspace is starting', uri: '' }),
    task('w', 'initializing', { timestamp: '2030-01-01T01:00:00.000Z', state: 'working', message: 'Agent is connecting', uri: '' }),
    task('w', 'active', { timestamp: '2030-01-01T00:58:56.000Z', state: 'idle', message: 'Agent is idle', uri: '' }),
    task('w', 'active', { timestamp: '2030-01-01T00:58:56.000Z', state: 'complete', message: 'Finished the whole refactoring', uri: '' }),
  ];

  it('table: the header once, then one row per update; STATUS and STATE sized for every value, other columns grow', () => {
    const render = taskUpdateRenderer('table');
    expect(updates.map((t) => render(t, NOW))).toEqual([
      'NAME  STATUS        STATE     STATE CHANGED  MESSAGE                \n' +
        'w     pending       working   0s ago         Workspace is starting  \n',
      'w     initializing  working   0s ago         Agent is connecting    \n',
      'w     active        idle      1m4s ago       Agent is idle          \n',
      'w     active        complete  1m4s ago       Finished the whole refactoring  \n',
    ]);
  });

  it('JSON: every update in full', () => {
    const render = taskUpdateRenderer('json');
    expect(updates.map((t) => render(t, NOW))).toEqual(updates.map((t) => `${JSON.stringify(t, null, 2)}\n`));
  });
});

describe('logs', () => {
  const logs: TaskLogs['logs'] = [
    { id: 0, content: 'Hello!', type: 'output', time: '2030-01-01T00:00:00Z' },
    { id: 1, content: 'fix the bug', type: 'input', time: '2030-01-01T00:00:01Z' },
    { id: 2, content: 'Done.\nChanged two files:\n  a.ts', type: 'output', time: '2030-01-01T00:00:02Z' },
  ];

  it('table with continuation lines indented to CONTENT', () => {
    expect(renderLogs(logs, 'table')).toBe(
      'TYPE    CONTENT             \n' +
        'output  Hello!              \n' +
        'input   fix the bug         \n' +
        'output  Done.               \n' +
        '        Changed two files:  \n' +
        '          a.ts              \n',
    );
  });

  it('JSON array of {id, content, type, time}; empty', () => {
    expect(renderLogs(logs, 'json')).toBe(`${JSON.stringify(logs, null, 2)}\n`);
    expect(renderLogs([], 'json')).toBe('[]\n');
    expect(renderLogs([], 'table')).toBe('No task logs found.\n');
  });

  it.each<[string, TaskLogs, string, string | undefined]>([
    ['live', { logs }, 'active', undefined],
    ['snapshot', { logs, snapshot: true, snapshot_at: '2030-01-01T00:00:03Z' }, 'paused', 'WARN: Task is paused. Showing last 3 messages from snapshot.\n'],
    ['snapshot while initializing', { logs: [], snapshot: true, snapshot_at: '2030-01-01T00:00:03Z' }, 'initializing', 'WARN: Task is initializing. Showing last 0 messages from snapshot.\n'],
    ['paused, no snapshot', { logs: [], snapshot: true }, 'paused', 'WARN: Task is paused. No snapshot available (snapshot may have failed during pause, resume your task to view logs).\n'],
    ['pending, no snapshot', { logs: [], snapshot: true }, 'pending', 'WARN: Task is pending. No snapshot available.\n'],
    ['initializing, no snapshot', { logs: [], snapshot: true }, 'initializing', 'WARN: Task is initializing. No snapshot available.\n'],
  ])('WARN line: %s', (_label, body, status, expected) => {
    expect(logsWarning(body, status)).toBe(expected);
  });
});
