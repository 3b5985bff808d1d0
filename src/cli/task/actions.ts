// What each `taskyard task` sub-command does (server.md §7), given its
// parsed arguments, a TaskApi and the process's streams: create, list,
// status (with --watch), send, logs (with the WARN lines), pause/resume
// (waiting on the watch stream unless --no-wait) and delete (confirmation
// or --yes). Exact output lines live here and in render.ts.
import { createInterface } from 'node:readline/promises';
import type { Task, TaskStatus } from '../../server/tasks/protocol.js';
import { CliError } from '../api-client.js';
import { logsWarning, renderLogs, renderTask, renderTasks, taskRef, taskUpdateRenderer, type OutputFormat } from './render.js';
import type { TaskApi } from './task-api.js';

export interface Io {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `status --watch` ends once the task settles in one of these. */
const SETTLED: readonly TaskStatus[] = ['active', 'paused', 'error'];

/** All of stdin, without one trailing newline. */
async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  return text.replace(/\r?\n$/, '');
}

async function inputFrom(arg: string | undefined, useStdin: boolean, io: Io): Promise<string> {
  if (useStdin && arg !== undefined) throw new CliError('give the input as an argument or with --stdin, not both');
  const input = useStdin ? await readStdin(io.stdin) : arg;
  if (input === undefined || input.trim() === '') throw new CliError('input is required: pass it as an argument or with --stdin');
  return input;
}

export async function createTask(api: TaskApi, io: Io, arg: string | undefined, options: { template: string; name?: string; stdin: boolean }): Promise<void> {
  const input = await inputFrom(arg, options.stdin, io);
  const template = GUID.test(options.template) ? { template_version_id: options.template } : { template: options.template };
  const task = await api.create({ ...template, input, ...(options.name !== undefined ? { name: options.name } : {}) });
  io.stdout.write(`Task "${taskRef(task)}" created (${task.id}).\n`);
}

export async function listTasks(api: TaskApi, io: Io, options: { output: OutputFormat; all: boolean; status?: string }): Promise<void> {
  io.stdout.write(renderTasks(await api.list({ all: options.all, status: options.status }), options.output));
}

export async function taskStatus(api: TaskApi, io: Io, identifier: string, options: { output: OutputFormat; watch: boolean }): Promise<void> {
  const task = await api.get(identifier);
  if (!options.watch) {
    io.stdout.write(renderTask(task, options.output));
    return;
  }
  // The stream starts with the current task, so it prints at least once.
  const render = taskUpdateRenderer(options.output);
  const last = await api.waitForStatus(task, SETTLED, (t) => io.stdout.write(render(t)));
  if (!last) throw new CliError(`task "${taskRef(task)}" was deleted`);
}

export async function sendToTask(api: TaskApi, io: Io, identifier: string, arg: string | undefined, options: { stdin: boolean }): Promise<void> {
  const input = await inputFrom(arg, options.stdin, io);
  await api.send(await api.get(identifier), input);
}

export async function taskLogs(api: TaskApi, io: Io, identifier: string, options: { output: OutputFormat }): Promise<void> {
  const task = await api.get(identifier);
  const logs = await api.logs(task);
  const warning = logsWarning(logs, task.status);
  if (warning) io.stderr.write(warning);
  io.stdout.write(renderLogs(logs.logs, options.output));
}

export async function pauseTask(api: TaskApi, io: Io, identifier: string, options: { wait: boolean }): Promise<void> {
  const task = await api.get(identifier);
  const buildId = await api.pause(task);
  io.stdout.write(`Task "${taskRef(task)}" is pausing (build ${buildId}).\n`);
  if (!options.wait) return;
  const settled = await settle(api, task, 'paused');
  io.stdout.write(`Task "${taskRef(settled)}" paused.\n`);
}

export async function resumeTask(api: TaskApi, io: Io, identifier: string, options: { wait: boolean }): Promise<void> {
  const task = await api.get(identifier);
  const buildId = await api.resume(task);
  io.stdout.write(`Task "${taskRef(task)}" is resuming (build ${buildId}).\n`);
  if (!options.wait) return;
  const settled = await settle(api, task, 'active');
  io.stdout.write(`Task "${taskRef(settled)}" is active.\n`);
}

/**
 * Waits for `target`. The stream's first event may still show the state
 * before the build was queued, so `error` only counts once the task left it.
 */
async function settle(api: TaskApi, task: Task, target: 'paused' | 'active'): Promise<Task> {
  let left = false;
  const done = await api.watch(task, (t) => {
    if (t.status === target) return true;
    if (t.status !== task.status) left = true;
    return left && t.status === 'error';
  });
  if (!done) throw new CliError(`task "${taskRef(task)}" was deleted`);
  if (done.status !== target) throw new CliError(`task "${taskRef(task)}" did not become ${target}`, `Task status is "${done.status}".`);
  return done;
}

export async function deleteTasks(api: TaskApi, io: Io, identifiers: readonly string[], options: { yes: boolean }): Promise<void> {
  const tasks: Task[] = [];
  for (const identifier of identifiers) tasks.push(await api.get(identifier));
  if (!options.yes) await confirmDelete(tasks, io);
  for (const task of tasks) {
    await api.delete(task);
    io.stdout.write(`Task "${taskRef(task)}" deleted.\n`);
  }
}

async function confirmDelete(tasks: readonly Task[], io: Io): Promise<void> {
  if (io.stdin.isTTY !== true) throw new CliError('refusing to delete without --yes');
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const names = tasks.map((t) => `"${taskRef(t)}"`).join(', ');
    const answer = await rl.question(`Delete ${tasks.length === 1 ? 'task' : 'tasks'} ${names}? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new CliError('delete canceled');
  } finally {
    rl.close();
  }
}
