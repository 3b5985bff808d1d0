// Output of `taskyard task` (server.md §7): the task table
// (`NAME  STATUS  STATE  STATE CHANGED  MESSAGE`, agent.md §5.6 layout), the
// logs table (`TYPE  CONTENT`, continuation lines indented to the CONTENT
// column), the `status --watch` stream (header once, a row per update),
// JSON forms, the logs WARN lines and the fixed confirmation lines. Pure
// text from API responses: it must never do I/O.
import { TASK_STATUSES, taskStateSchema, type Task, type TaskLogEntry, type TaskLogs } from '../../server/tasks/protocol.js';
import { renderTable } from '../sync/table.js';

export type OutputFormat = 'table' | 'json';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json'];

export const NO_TASKS = 'No tasks found.\n';
export const NO_LOGS = 'No task logs found.\n';

const TASK_COLUMNS = ['name', 'status', 'state', 'state changed', 'message'];

/** `<owner>/<name>` as every confirmation line quotes it. */
export function taskRef(task: Pick<Task, 'owner_name' | 'name'>): string {
  return `${task.owner_name}/${task.name}`;
}

/** Go's time.Duration.String() for whole seconds: `0s`, `5s`, `1m5s`, `1h0m5s`. */
export function goDurationSeconds(totalSeconds: number): string {
  const sign = totalSeconds < 0 ? '-' : '';
  let s = Math.abs(Math.trunc(totalSeconds));
  if (s < 60) return `${sign}${s}s`;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return h > 0 ? `${sign}${h}h${m}m${s}s` : `${sign}${m}m${s}s`;
}

function taskRow(task: Task, now: number): string[] {
  const state = task.current_state;
  const changed = state === null ? '' : `${goDurationSeconds((now - Date.parse(state.timestamp)) / 1000)} ago`;
  return [task.name, task.status, state?.state ?? '', changed, state?.message ?? ''];
}

export function renderTasks(tasks: readonly Task[], format: OutputFormat, now = Date.now()): string {
  if (format === 'json') return json(tasks);
  if (tasks.length === 0) return NO_TASKS;
  return renderTable(TASK_COLUMNS, tasks.map((t) => taskRow(t, now)));
}

export function renderTask(task: Task, format: OutputFormat, now = Date.now()): string {
  return format === 'json' ? json(task) : renderTable(TASK_COLUMNS, [taskRow(task, now)]);
}

/** The columns of the task table whose every possible value is known. */
const WATCH_VALUES: Record<string, readonly string[]> = { status: TASK_STATUSES, state: taskStateSchema.options };

/**
 * `status --watch`: returns the text for each update in turn. A table prints
 * its header with the first update only, then one row per update. Printed
 * lines cannot be widened later, so STATUS and STATE start as wide as their
 * longest possible value (they are what changes while watching); every
 * column then grows to its widest cell so far. JSON prints each Task in full.
 */
export function taskUpdateRenderer(format: OutputFormat): (task: Task, now?: number) => string {
  if (format === 'json') return (task) => json(task);
  const header = TASK_COLUMNS.map((c) => c.toUpperCase());
  const widths = TASK_COLUMNS.map((c) => Math.max(codePoints(c), ...(WATCH_VALUES[c] ?? []).map(codePoints)));
  let headerPrinted = false;
  const line = (cells: readonly string[]): string => `${cells.map((cell, i) => pad(cell, (widths[i] ?? 0) + 2)).join('')}\n`;
  return (task, now = Date.now()) => {
    const row = taskRow(task, now);
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, codePoints(cell))));
    const text = (headerPrinted ? '' : line(header)) + line(row);
    headerPrinted = true;
    return text;
  };
}

/**
 * `TYPE  CONTENT`: each entry's first line in the row, further lines of a
 * multi-line content indented to the CONTENT column; every line padded like
 * any table cell (agent.md §5.6).
 */
export function renderLogs(logs: readonly TaskLogEntry[], format: OutputFormat): string {
  if (format === 'json') return json(logs);
  if (logs.length === 0) return NO_LOGS;
  const rows = logs.map((entry) => ({ type: entry.type, lines: entry.content.split(/\r?\n/) }));
  const typeWidth = Math.max('TYPE'.length, ...rows.map((r) => codePoints(r.type))) + 2;
  const contentWidth = Math.max('CONTENT'.length, ...rows.flatMap((r) => r.lines.map(codePoints))) + 2;
  let out = `${pad('TYPE', typeWidth)}${pad('CONTENT', contentWidth)}\n`;
  for (const row of rows) {
    row.lines.forEach((line, i) => {
      out += `${pad(i === 0 ? row.type : '', typeWidth)}${pad(line, contentWidth)}\n`;
    });
  }
  return out;
}

/** §7 logs WARN line (stderr) for a task in `status`, or undefined for live logs. */
export function logsWarning(logs: TaskLogs, status: string): string | undefined {
  if (logs.snapshot !== true) return undefined;
  if (logs.snapshot_at !== undefined) return `WARN: Task is ${status}. Showing last ${logs.logs.length} messages from snapshot.\n`;
  if (status === 'paused') return 'WARN: Task is paused. No snapshot available (snapshot may have failed during pause, resume your task to view logs).\n';
  return `WARN: Task is ${status}. No snapshot available.\n`;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function codePoints(text: string): number {
  return [...text].length;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - codePoints(text)));
}
