// One HTTP exchange with the control plane's agent API (server.md §5): builds
// `<url>/api/v2/workspaceagents/me/<path>`, sends the agent token as
// `Coder-Session-Token`, bounds the wait for an answer, and returns the status
// and body text. It never retries, never sleeps and never interprets a status:
// that is retry.ts's business.
import { apiErrorSchema } from '../../protocol/api-error.js';

export const AGENT_API_PREFIX = 'api/v2/workspaceagents/me/';
export const SESSION_TOKEN_HEADER = 'Coder-Session-Token';

export interface Exchange {
  status: number;
  text: string;
}

export interface TransportOptions {
  url: string;
  token: string;
  /** Longest wait for one answer (headers and body); a hung server counts as a network failure. */
  requestTimeoutMs: number;
}

export class AgentApiTransport {
  private readonly base: URL;

  constructor(private readonly options: TransportOptions) {
    // A trailing slash keeps a path prefix of the URL (`https://host/coder/`).
    this.base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
  }

  endpoint(path: string): string {
    return new URL(AGENT_API_PREFIX + path, this.base).toString();
  }

  /** One request; rejects on network failure, timeout or abort, resolves with any HTTP status. */
  async send(method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal): Promise<Exchange> {
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    const res = await fetch(this.endpoint(path), {
      method,
      headers: {
        [SESSION_TOKEN_HEADER]: this.options.token,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.any([signal, timeout]),
    });
    return { status: res.status, text: await res.text() };
  }

  /**
   * Opens a long-lived stream (SSE). Only the wait for the response headers
   * is bounded; the body stays open until `signal` aborts.
   */
  async open(path: string, signal: AbortSignal): Promise<Response> {
    const headersArrived = new AbortController();
    const timer = setTimeout(() => headersArrived.abort(new Error('timed out waiting for response headers')), this.options.requestTimeoutMs);
    try {
      return await fetch(this.endpoint(path), {
        headers: { [SESSION_TOKEN_HEADER]: this.options.token, accept: 'text/event-stream' },
        signal: AbortSignal.any([signal, headersArrived.signal]),
      });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** `POST lifecycle: 400 Bad Request: Invalid state.` — the server's `message`/`detail` when it sent JSON. */
export function describeStatus(what: string, exchange: Exchange): string {
  let detail = exchange.text.trim().slice(0, 200);
  try {
    const parsed = apiErrorSchema.safeParse(JSON.parse(exchange.text));
    if (parsed.success) detail = parsed.data.detail ? `${parsed.data.message} (${parsed.data.detail})` : parsed.data.message;
  } catch {
    // Not JSON (a proxy's HTML page, plain text): keep the raw text.
  }
  return `${what}: HTTP ${exchange.status}${detail === '' ? '' : `: ${detail}`}`;
}
