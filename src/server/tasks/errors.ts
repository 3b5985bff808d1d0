// Typed errors of the Tasks API with the exact texts of server.md §6. Each
// code fixes the HTTP status and message; details carry the varying part
// (`Task status is "paused".`). Being HttpErrors they become their response
// wherever they are thrown inside a request; callers test them by `code`.
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HttpError, type Validation } from '../api/errors.js';
import type { TaskStatus } from './protocol.js';

export type TaskErrorCode =
  | 'name_taken'
  | 'template_not_found'
  | 'no_task_app'
  | 'invalid_filter'
  | 'not_active_send'
  | 'paused_send'
  | 'bad_state_send'
  | 'busy'
  | 'send_failed'
  | 'input_not_paused'
  | 'logs_bad_state'
  | 'logs_failed'
  | 'snapshot_format'
  | 'log_role'
  | 'cannot_pause'
  | 'not_paused'
  | 'proxy_not_active'
  | 'app_unreachable';

export const TASK_MESSAGES = {
  nameTaken: 'A task with this name already exists.',
  templateNotFound: 'Template not found.',
  noTaskApp: 'Template does not define a task app.',
  invalidFilter: 'Invalid task filter.',
  pausedSend: 'Task is paused.',
  resumeToSend: 'Resume the task to send messages.',
  busy: 'Task is busy.',
  sendFailed: 'Failed to send task input.',
  inputNotPaused: 'Task must be paused to update its input.',
  logsBadState: 'Cannot fetch logs for task in current state.',
  logsFailed: 'Failed to fetch task logs.',
  snapshotFormat: 'Unsupported task snapshot format.',
  logRole: 'Unsupported task log message role.',
  cannotPause: 'Task cannot be paused in its current state.',
  notPaused: 'Task is not paused.',
  appUnreachable: 'Failed to reach the task app.',
} as const;

const STATUS: Record<TaskErrorCode, ContentfulStatusCode> = {
  name_taken: 409,
  template_not_found: 400,
  no_task_app: 400,
  invalid_filter: 400,
  not_active_send: 409,
  paused_send: 409,
  bad_state_send: 400,
  busy: 409,
  send_failed: 502,
  input_not_paused: 409,
  logs_bad_state: 409,
  logs_failed: 502,
  snapshot_format: 500,
  log_role: 500,
  cannot_pause: 409,
  not_paused: 409,
  proxy_not_active: 409,
  app_unreachable: 502,
};

export class TaskError extends HttpError {
  constructor(
    readonly code: TaskErrorCode,
    message: string,
    detail?: string,
    validations?: Validation[],
  ) {
    super(STATUS[code], message, detail, validations);
    this.name = 'TaskError';
  }
}

/** `Task status is "<s>".` — the detail of every state conflict. */
export function statusDetail(status: TaskStatus): string {
  return `Task status is "${status}".`;
}

export const taskErrors = {
  nameTaken: () => new TaskError('name_taken', TASK_MESSAGES.nameTaken),
  templateNotFound: (field: 'template' | 'template_version_id', value: string) =>
    new TaskError('template_not_found', TASK_MESSAGES.templateNotFound, undefined, [{ field, detail: `no template ${field === 'template' ? 'named' : 'version'} ${JSON.stringify(value)}` }]),
  noTaskApp: (detail?: string) => new TaskError('no_task_app', TASK_MESSAGES.noTaskApp, detail),
  invalidFilter: (validations: Validation[]) => new TaskError('invalid_filter', TASK_MESSAGES.invalidFilter, undefined, validations),
  /** §6.4 by status: pending/initializing → 409, paused → 409 with a hint, error/unknown → 400. */
  cannotSend: (status: TaskStatus): TaskError => {
    if (status === 'paused') return new TaskError('paused_send', TASK_MESSAGES.pausedSend, TASK_MESSAGES.resumeToSend);
    if (status === 'pending' || status === 'initializing') return new TaskError('not_active_send', `Task is ${status}.`);
    return new TaskError('bad_state_send', `Task is in state ${status}.`);
  },
  busy: () => new TaskError('busy', TASK_MESSAGES.busy),
  sendFailed: (detail?: string) => new TaskError('send_failed', TASK_MESSAGES.sendFailed, detail),
  inputNotPaused: (status: TaskStatus) => new TaskError('input_not_paused', TASK_MESSAGES.inputNotPaused, statusDetail(status)),
  logsBadState: (status: TaskStatus) => new TaskError('logs_bad_state', TASK_MESSAGES.logsBadState, statusDetail(status)),
  logsFailed: (detail?: string) => new TaskError('logs_failed', TASK_MESSAGES.logsFailed, detail),
  snapshotFormat: () => new TaskError('snapshot_format', TASK_MESSAGES.snapshotFormat),
  logRole: (role: string) => new TaskError('log_role', TASK_MESSAGES.logRole, `Role ${JSON.stringify(role)} is neither "user" nor "agent".`),
  cannotPause: (status: TaskStatus) => new TaskError('cannot_pause', TASK_MESSAGES.cannotPause, statusDetail(status)),
  notPaused: (status: TaskStatus) => new TaskError('not_paused', TASK_MESSAGES.notPaused, statusDetail(status)),
  proxyNotActive: (status: TaskStatus) => new TaskError('proxy_not_active', `Task is ${status}.`),
  appUnreachable: (detail?: string) => new TaskError('app_unreachable', TASK_MESSAGES.appUnreachable, detail),
};
