// The Tasks API as the CLI calls it (server.md §6.3, §7): task identifiers
// (`<uuid>`, `<name>` of me, `<owner>/<name>`) turned into paths, typed
// requests through the shared ApiClient, and the watch stream read until a
// caller is satisfied. It never prints anything (commands do).
import { SseReader } from '../../agent/socket/sse-reader.js';
import {
  pauseTaskResponseSchema,
  resumeTaskResponseSchema,
  TASK_WATCH_EVENT,
  taskListSchema,
  taskLogsSchema,
  taskSchema,
  type CreateTaskRequest,
  type Task,
  type TaskLogs,
  type TaskStatus,
} from '../../server/tasks/protocol.js';
import { CliError, type ApiClient } from '../api-client.js';

/** `/api/v2/tasks/<user>/<task>` for a CLI task identifier. */
export function taskPath(identifier: string, prefix = '/api/v2/tasks'): string {
  const slash = identifier.indexOf('/');
  const [user, task] = slash < 0 ? ['me', identifier] : [identifier.slice(0, slash), identifier.slice(slash + 1)];
  if (task === '' || user === '' || task.includes('/')) throw new CliError(`invalid task identifier ${JSON.stringify(identifier)}: expected <name>, <owner>/<name> or a task ID`);
  return `${prefix}/${encodeURIComponent(user)}/${encodeURIComponent(task)}`;
}

/** The same task's path under its owner (from the Task JSON). */
function canonicalPath(task: Task, prefix = '/api/v2/tasks'): string {
  return `${prefix}/${encodeURIComponent(task.owner_name)}/${task.id}`;
}

export class TaskApi {
  constructor(private readonly client: ApiClient) {}

  get(identifier: string): Promise<Task> {
    return this.client.request('GET', taskPath(identifier), taskSchema);
  }

  list(filter: { all: boolean; status?: string }): Promise<Task[]> {
    const terms = [`owner:${filter.all ? '*' : 'me'}`, ...(filter.status ? [`status:${filter.status}`] : [])];
    return this.client.request('GET', `/api/v2/tasks?q=${encodeURIComponent(terms.join(' '))}`, taskListSchema).then((l) => l.tasks);
  }

  create(body: CreateTaskRequest): Promise<Task> {
    return this.client.request('POST', '/api/v2/tasks/me', taskSchema, { body });
  }

  send(task: Task, input: string): Promise<void> {
    return this.client.requestNoContent('POST', `${canonicalPath(task)}/send`, { body: { input } });
  }

  logs(task: Task): Promise<TaskLogs> {
    return this.client.request('GET', `${canonicalPath(task)}/logs`, taskLogsSchema);
  }

  async pause(task: Task): Promise<string> {
    return (await this.client.request('POST', `${canonicalPath(task, '/api/experimental/tasks')}/pause`, pauseTaskResponseSchema)).workspace_build_id;
  }

  async resume(task: Task): Promise<string> {
    return (await this.client.request('POST', `${canonicalPath(task, '/api/experimental/tasks')}/resume`, resumeTaskResponseSchema)).workspace_build.id;
  }

  delete(task: Task): Promise<void> {
    return this.client.requestNoContent('DELETE', canonicalPath(task));
  }

  /**
   * Reads the watch stream, calling `onTask` for every update, until it
   * returns true (→ that task) or the stream ends (→ undefined: task deleted).
   */
  async watch(task: Task, onTask: (task: Task) => boolean): Promise<Task | undefined> {
    const abort = new AbortController();
    const response = await this.client.send('GET', `${canonicalPath(task)}/watch`, { signal: abort.signal });
    const reader = new SseReader();
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body ?? []) {
        for (const event of reader.push(decoder.decode(chunk as Uint8Array, { stream: true }))) {
          if (event.event !== TASK_WATCH_EVENT) continue;
          const parsed = taskSchema.safeParse(parseJson(event.data));
          if (!parsed.success) throw new CliError('unexpected task event from the watch stream');
          if (onTask(parsed.data)) return parsed.data;
        }
      }
      return undefined;
    } finally {
      abort.abort();
    }
  }

  /** Waits until the task's status is one of `statuses`; undefined when the task vanished. */
  waitForStatus(task: Task, statuses: readonly TaskStatus[], onTask: (task: Task) => void = () => undefined): Promise<Task | undefined> {
    return this.watch(task, (t) => {
      onTask(t);
      return statuses.includes(t.status);
    });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
