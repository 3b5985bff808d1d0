// A small client for a task's AgentAPI (agentapi.md §3): `GET /status`,
// `GET /messages`, `POST /message`, and the wait for `stable` that sending
// needs (§6.4). Failures are TaskAppErrors carrying AgentAPI's RFC 7807
// `detail` and `errors[].message` so callers can build their 502 details.
// It never decides HTTP statuses of the Tasks API and never retries a POST.
import { z } from 'zod';

export type AgentApiStatus = 'stable' | 'running';

const statusBodySchema = z.object({ status: z.enum(['stable', 'running']) });
const messagesBodySchema = z.object({
  messages: z.array(z.object({ id: z.number().int(), content: z.string(), role: z.string(), time: z.string() })),
});
export type AgentApiMessage = z.infer<typeof messagesBodySchema>['messages'][number];
const problemSchema = z.object({
  detail: z.string().optional(),
  errors: z.array(z.object({ message: z.string().optional() })).nullish(),
});

/** Why a call to the task app failed: unreachable, an error status, or a body we cannot read. */
export class TaskAppError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'http' | 'bad_response',
    message: string,
    readonly problem?: { detail?: string; errors: string[] },
  ) {
    super(message);
    this.name = 'TaskAppError';
  }

  /** AgentAPI's `detail` + `: ` + `errors[].message` joined by `, ` (§6.4), else the message. */
  get apiDetail(): string {
    if (!this.problem) return this.message;
    const { detail = '', errors } = this.problem;
    if (errors.length === 0) return detail || this.message;
    return `${detail}: ${errors.join(', ')}`;
  }
}

export interface AgentApiClientOptions {
  /** Per-request timeout for reads (default 10 s). */
  readTimeoutMs?: number;
  /** Timeout of `POST /message`, which answers once the agent started processing (default 60 s). */
  sendTimeoutMs?: number;
}

export class AgentApiClient {
  private readonly base: string;

  constructor(
    appUrl: string,
    private readonly options: AgentApiClientOptions = {},
  ) {
    this.base = appUrl.endsWith('/') ? appUrl : `${appUrl}/`;
  }

  async status(signal?: AbortSignal): Promise<AgentApiStatus> {
    const body = await this.call('GET', 'status', statusBodySchema, this.options.readTimeoutMs ?? 10_000, undefined, signal);
    return body.status;
  }

  async messages(signal?: AbortSignal): Promise<AgentApiMessage[]> {
    const body = await this.call('GET', 'messages', messagesBodySchema, this.options.readTimeoutMs ?? 10_000, undefined, signal);
    return body.messages;
  }

  async sendUserMessage(content: string, signal?: AbortSignal): Promise<void> {
    await this.call('POST', 'message', z.unknown(), this.options.sendTimeoutMs ?? 60_000, { content, type: 'user' }, signal);
  }

  /** Resolves true once `/status` is `stable`, false when `timeoutMs` passed first. */
  async waitForStable(timeoutMs: number, pollMs = 250, signal?: AbortSignal): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.status(signal)) === 'stable') return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await sleep(Math.min(pollMs, left), signal);
    }
  }

  private async call<S extends z.ZodType>(method: string, path: string, schema: S, timeoutMs: number, body?: unknown, signal?: AbortSignal): Promise<z.infer<S>> {
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(new URL(path, this.base), {
        method,
        headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      throw new TaskAppError('unreachable', `${method} /${path}: ${causeOf(err)}`);
    }
    const text = await response.text().catch(() => '');
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const problem = problemSchema.safeParse(json);
      const errors = problem.success ? (problem.data.errors ?? []).map((e) => e.message ?? '').filter((m) => m !== '') : [];
      throw new TaskAppError('http', `${method} /${path}: HTTP ${response.status}`, problem.success ? { detail: problem.data.detail, errors } : undefined);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new TaskAppError('bad_response', `${method} /${path}: unexpected response body`);
    return parsed.data;
  }
}

function causeOf(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'timed out';
  if (err instanceof Error && err.cause instanceof Error) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
