// Sending input to a task (server.md §6.4): only `active` tasks accept it;
// a `running` agent gets up to 30 s to become `stable` (else 409 `Task is
// busy.`), then `POST /message` type `user`; AgentAPI's own errors become
// 502 `Failed to send task input.` with its detail and error messages. It
// never retries a POST: a message must not reach the agent twice.
import { AgentApiClient, TaskAppError } from './agentapi-client.js';
import { taskErrors } from './errors.js';
import type { TaskRecord } from './task-record.js';

/** §6.4: how long a `running` agent may take to become `stable`. */
export const SEND_STABLE_WAIT_MS = 30_000;

export interface SendOptions {
  stableWaitMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
}

/** Throws the §6.4 TaskErrors; resolves once AgentAPI accepted the message. */
export async function sendTaskInput(record: TaskRecord, input: string, options: SendOptions = {}): Promise<void> {
  if (record.status !== 'active') throw taskErrors.cannotSend(record.status);
  if (record.appUrl === null) throw taskErrors.sendFailed('The task has no task app.');
  const client = new AgentApiClient(record.appUrl);
  try {
    if ((await client.status(options.signal)) === 'running') {
      const stable = await client.waitForStable(options.stableWaitMs ?? SEND_STABLE_WAIT_MS, options.pollMs, options.signal);
      if (!stable) throw taskErrors.busy();
    }
    await client.sendUserMessage(input, options.signal);
  } catch (err) {
    if (err instanceof TaskAppError) throw taskErrors.sendFailed(err.apiDetail);
    throw err;
  }
}
