// The HTTP calls `agentapi attach` makes to an agentapi server: GET /status,
// GET /internal/screen (opened, then read by screen-stream.ts) and POST
// /message with raw input. Every response body is validated or consumed here;
// it must never touch the terminal, print, or retry a request on its own.
import { z } from 'zod';
import { describeError, screenConnectFailed, StatusCheckError } from './errors.js';
import { readScreenUpdates } from './screen-stream.js';
import { attachEndpoint } from './url.js';

/**
 * The fields of StatusResponseBody that attach reads (spec §3.2). `transport`
 * is optional because servers before 0.12 do not send it; they are PTY-only.
 */
export const statusResponseSchema = z.object({
  status: z.string(),
  agent_type: z.string(),
  transport: z.string().optional(),
});
export type StatusResponse = z.infer<typeof statusResponseSchema>;

/** An open `/internal/screen` subscription. */
export interface ScreenSubscription {
  /** Screens in arrival order; see readScreenUpdates for how it ends. */
  readonly updates: AsyncIterable<string>;
  /** Aborts the request; idempotent. A pending read then fails, which callers that closed ignore. */
  close(): void;
}

export interface AttachClient {
  /** Throws StatusCheckError, which the caller only warns about. */
  fetchStatus(): Promise<StatusResponse>;
  /** Resolves once the response headers arrived; throws AttachError `screen_connect_failed`. */
  subscribeScreen(): Promise<ScreenSubscription>;
  /** Writes `content` verbatim to the agent's terminal (`{"type":"raw"}`). */
  sendRawInput(content: string): Promise<void>;
}

export interface AttachClientOptions {
  fetch?: typeof fetch;
  /** Whole `GET /status` exchange. */
  statusTimeoutMs?: number;
  /** Until the screen stream's headers arrive (the server flushes them at once). */
  connectTimeoutMs?: number;
}

export function createAttachClient(baseUrl: string, options: AttachClientOptions = {}): AttachClient {
  const fetchFn = options.fetch ?? fetch;
  const statusTimeoutMs = options.statusTimeoutMs ?? 5_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;

  return {
    async fetchStatus() {
      let text: string;
      try {
        const res = await fetchFn(attachEndpoint(baseUrl, '/status'), {
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(statusTimeoutMs),
        });
        text = await res.text();
        if (!res.ok) throw new StatusCheckError(`unexpected ${res.status} response from server`);
      } catch (err) {
        if (err instanceof StatusCheckError) throw err;
        throw new StatusCheckError(describeError(err), { cause: err });
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        throw new StatusCheckError(`failed to decode server status: ${describeError(err)}`, { cause: err });
      }
      const parsed = statusResponseSchema.safeParse(json);
      if (!parsed.success) {
        throw new StatusCheckError(`failed to decode server status: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
      }
      return parsed.data;
    },

    async subscribeScreen() {
      const url = attachEndpoint(baseUrl, '/internal/screen');
      const controller = new AbortController();
      const timer = setTimeout(
        () => controller.abort(new Error(`no response within ${connectTimeoutMs} ms`)),
        connectTimeoutMs,
      );
      let res: Response;
      try {
        res = await fetchFn(url, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
      } catch (err) {
        throw screenConnectFailed(url, err);
      } finally {
        clearTimeout(timer);
      }
      if (!res.ok || res.body === null) {
        controller.abort();
        throw screenConnectFailed(url, new Error(`unexpected ${res.status} response from server`));
      }
      const reader = res.body.getReader();
      return {
        updates: readScreenUpdates(reader),
        close: () => controller.abort(new Error('screen subscription closed')),
      };
    },

    async sendRawInput(content) {
      const res = await fetchFn(attachEndpoint(baseUrl, '/message'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ type: 'raw', content }),
      });
      // Always read the body: an unread body holds its connection open.
      const text = await res.text();
      if (!res.ok) throw new Error(`unexpected ${res.status} response from server: ${text.trim()}`);
    },
  };
}
