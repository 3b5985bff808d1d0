// Typed client of the agent socket (spec agent.md §4.2) for `taskyard sync`:
// one node:http request per call over the Unix socket, errors carrying the
// server's `error` text, and watch() as an async iterator over `change`
// events that never makes a request of its own after opening. It must stay
// light — no zod, pino or server code — because the CLI loads it per call.
import { request, type IncomingMessage } from 'node:http';
import {
  SOCKET_ROUTES,
  WATCH_EVENT,
  type ChangeEvent,
  type StatusResponse,
  type WireDependency,
  type WireUnit,
  type WireUnitStatus,
} from './protocol.js';
import { SseReader } from './sse-reader.js';

/**
 * `connect`: nothing answered on the socket (message `connect to agent socket:
 * <cause>`). `server`: the server answered with an error (message = its
 * `error` text, `status` set). `protocol`: the exchange broke or made no sense.
 */
export type AgentSocketErrorKind = 'connect' | 'server' | 'protocol';

export class AgentSocketError extends Error {
  constructor(
    readonly kind: AgentSocketErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AgentSocketError';
  }
}

export interface WatchStream extends AsyncIterable<ChangeEvent> {
  /** Ends the stream: a pending iteration finishes without error. Idempotent. */
  close(): void;
}

export class AgentSocketClient {
  constructor(readonly socketPath: string) {}

  async ping(): Promise<void> {
    await this.call('GET', SOCKET_ROUTES.ping);
  }

  async start(unit: string): Promise<void> {
    await this.call('POST', SOCKET_ROUTES.start, { unit });
  }

  async want(unit: string, dependsOn: string): Promise<void> {
    await this.call('POST', SOCKET_ROUTES.want, { unit, depends_on: dependsOn });
  }

  async complete(unit: string): Promise<void> {
    await this.call('POST', SOCKET_ROUTES.complete, { unit });
  }

  async ready(unit: string): Promise<boolean> {
    const body = asRecord(parseJson(await this.call('POST', SOCKET_ROUTES.ready, { unit })));
    return field(body, 'ready', 'boolean');
  }

  async status(unit: string): Promise<StatusResponse> {
    const body = asRecord(parseJson(await this.call('POST', SOCKET_ROUTES.status, { unit })));
    const dependencies = body['dependencies'];
    if (!Array.isArray(dependencies)) throw invalidResponse('dependencies is not an array');
    return {
      unit: field(body, 'unit', 'string'),
      status: statusField(body, 'status'),
      is_ready: field(body, 'is_ready', 'boolean'),
      dependencies: dependencies.map(toDependency),
    };
  }

  async list(): Promise<WireUnit[]> {
    const body = asRecord(parseJson(await this.call('GET', SOCKET_ROUTES.list)));
    const units = body['units'];
    if (!Array.isArray(units)) throw invalidResponse('units is not an array');
    return units.map((value) => {
      const unit = asRecord(value);
      return { unit: field(unit, 'unit', 'string'), status: statusField(unit, 'status'), is_ready: field(unit, 'is_ready', 'boolean') };
    });
  }

  /** The DOT text of the unit graph (no trailing newline). */
  graph(options: { labels?: boolean } = {}): Promise<string> {
    return this.call('GET', options.labels === true ? `${SOCKET_ROUTES.graph}?labels=true` : SOCKET_ROUTES.graph);
  }

  /**
   * Opens the change stream. Resolves once the server has subscribed, so
   * state read afterwards is never older than the stream. The first event
   * arrives immediately; a 404 (older agent) rejects with status 404.
   */
  async watch(): Promise<WatchStream> {
    const { req, res } = await this.open('GET', SOCKET_ROUTES.watch);
    if (res.statusCode !== 200) {
      const text = await readText(res);
      throw serverError(res.statusCode ?? 0, text);
    }
    let closed = false;
    const close = (): void => {
      closed = true;
      res.destroy();
      req.destroy();
    };
    async function* events(): AsyncGenerator<ChangeEvent> {
      const reader = new SseReader();
      res.setEncoding('utf8');
      try {
        for await (const chunk of res) {
          for (const event of reader.push(chunk as string)) {
            if (event.event !== WATCH_EVENT) continue;
            const data = asRecord(parseJson(event.data));
            yield { seq: field(data, 'seq', 'number') };
          }
        }
      } catch (err) {
        if (!closed) throw new AgentSocketError('protocol', `watch stream failed: ${errorText(err)}`, undefined, { cause: err });
      } finally {
        close();
      }
    }
    const iterator = events();
    return { close, [Symbol.asyncIterator]: () => iterator };
  }

  /** Sends one request; resolves with the body of a 2xx response, else throws. */
  private async call(method: 'GET' | 'POST', path: string, body?: object): Promise<string> {
    const { res } = await this.open(method, path, body);
    const text = await readText(res);
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 299) throw serverError(status, text);
    return text;
  }

  private open(method: 'GET' | 'POST', path: string, body?: object): Promise<{ req: ReturnType<typeof request>; res: IncomingMessage }> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string | number> = { Host: 'localhost' };
      if (payload !== undefined) {
        headers['Content-Type'] = 'application/json';
        headers['Content-Length'] = Buffer.byteLength(payload);
      }
      // agent:false → a fresh connection per request: nothing keeps the CLI alive afterwards.
      const req = request({ socketPath: this.socketPath, path, method, headers, agent: false });
      let connected = false;
      req.once('socket', (socket) => socket.once('connect', () => (connected = true)));
      req.once('response', (res) => resolve({ req, res }));
      req.once('error', (err) => {
        reject(
          connected
            ? new AgentSocketError('protocol', `agent socket request failed: ${err.message}`, undefined, { cause: err })
            : new AgentSocketError('connect', `connect to agent socket: ${err.message}`, undefined, { cause: err }),
        );
      });
      req.end(payload);
    });
  }
}

async function readText(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  for await (const chunk of res) text += chunk as string;
  return text;
}

function serverError(status: number, text: string): AgentSocketError {
  let message = `agent socket answered ${status}: ${text.trim()}`;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { error?: unknown }).error === 'string') {
      message = (parsed as { error: string }).error;
    }
  } catch {
    // not JSON: keep the raw text
  }
  return new AgentSocketError('server', message, status);
}

function toDependency(value: unknown): WireDependency {
  const d = asRecord(value);
  return {
    unit: field(d, 'unit', 'string'),
    depends_on: field(d, 'depends_on', 'string'),
    required_status: statusField(d, 'required_status'),
    current_status: statusField(d, 'current_status'),
    is_satisfied: field(d, 'is_satisfied', 'boolean'),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw invalidResponse(`not JSON: ${errorText(err)}`);
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidResponse('expected a JSON object');
  return value as Record<string, unknown>;
}

function field<K extends 'string' | 'boolean' | 'number'>(
  record: Record<string, unknown>,
  key: string,
  type: K,
): K extends 'string' ? string : K extends 'boolean' ? boolean : number {
  const value = record[key];
  if (typeof value !== type) throw invalidResponse(`${key} is not a ${type}`);
  return value as K extends 'string' ? string : K extends 'boolean' ? boolean : number;
}

const STATUSES: ReadonlySet<string> = new Set<WireUnitStatus>(['pending', 'started', 'completed', '']);

function statusField(record: Record<string, unknown>, key: string): WireUnitStatus {
  const value = field(record, key, 'string');
  if (!STATUSES.has(value)) throw invalidResponse(`${key} ${JSON.stringify(value)} is not a unit status`);
  return value as WireUnitStatus;
}

function invalidResponse(detail: string): AgentSocketError {
  return new AgentSocketError('protocol', `invalid response from agent socket: ${detail}`);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
