// Test support for the HTTP layer: a fake AgentBackend, a server on
// 127.0.0.1:0, a raw HTTP client (free to send any Host header) and an SSE
// reader, plus JSON-Schema validation of bodies against our OpenAPI document
// and, when present, the shared upstream fixture. Lives in testdata/ so the
// build leaves it out; production code must never import it.
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { EventHub } from '../../conversation/event-hub.js';
import type { ConversationEvent, Message, PublicStatus, ScreenEvent, AgentErrorData } from '../../conversation/types.js';
import { silentLogger } from '../../log.js';
import type { AgentBackend, MessageType } from '../backend.js';
import { createHttpApp, type HttpAppConfig } from '../app.js';
import { openApiDocument, type SchemaName } from '../openapi.js';
import { startHttpServer } from '../server.js';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export class FakeBackend implements AgentBackend {
  readonly agentType = 'claude' as const;
  currentStatus: PublicStatus = 'stable';
  readonly history: Message[] = [];
  readonly errors: AgentErrorData[] = [];
  readonly rawWrites: string[] = [];
  screen = 'welcome';
  /** Replace to change how sends behave (hang, fail, …). */
  sendImpl: (type: MessageType, content: string) => Promise<void> = (type, content) => this.defaultSend(type, content);

  readonly events = new EventHub<ConversationEvent>(() => [
    ...this.history.map((m) => this.messageEvent(m)),
    { type: 'status_change', data: { status: this.currentStatus, agent_type: this.agentType } },
    ...this.errors.map((e): ConversationEvent => ({ type: 'agent_error', data: e })),
  ]);

  readonly screens = new EventHub<ScreenEvent>(() => [{ type: 'screen', data: { screen: this.screen } }]);

  status(): PublicStatus {
    return this.currentStatus;
  }

  messages(): readonly Message[] {
    return this.history;
  }

  sendMessage(type: MessageType, content: string): Promise<void> {
    return this.sendImpl(type, content);
  }

  addMessage(role: Message['role'], text: string): Message {
    const m: Message = { id: this.history.length, role, text, time: new Date().toISOString() };
    this.history.push(m);
    this.events.publish(this.messageEvent(m));
    return m;
  }

  setStatus(status: PublicStatus): void {
    this.currentStatus = status;
    this.events.publish({ type: 'status_change', data: { status, agent_type: this.agentType } });
  }

  private messageEvent(m: Message): ConversationEvent {
    return { type: 'message_update', data: { id: m.id, role: m.role, message: m.text, time: m.time } };
  }

  /** Trims like §3.4.2 and enforces §3.4.3, as the real engine does. */
  async defaultSend(type: MessageType, content: string): Promise<void> {
    if (type === 'raw') {
      this.rawWrites.push(content);
      return;
    }
    const trimmed = content.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, '');
    if (trimmed === '') throw new Error('message must not be empty');
    if (this.currentStatus !== 'stable') throw new Error('message can only be sent when the agent is waiting for user input');
    this.addMessage('user', trimmed);
  }
}

export const DEFAULT_HOSTS = ['localhost', '127.0.0.1', '::1'];
export const DEFAULT_ORIGINS = ['http://localhost:3284', 'http://localhost:3000', 'http://localhost:3001'];

export interface TestServer {
  backend: FakeBackend;
  port: number;
  uploadDir: string;
  /** `http://127.0.0.1:<port>` */
  base: string;
  close(): Promise<void>;
}

export async function startTestServer(overrides: Partial<HttpAppConfig> = {}): Promise<TestServer> {
  const backend = (overrides.backend as FakeBackend | undefined) ?? new FakeBackend();
  const uploadDir = await mkdtemp(path.join(tmpdir(), 'agentapi-uploads-test-'));
  const app = createHttpApp({
    backend,
    allowedHosts: DEFAULT_HOSTS,
    allowedOrigins: DEFAULT_ORIGINS,
    chatBasePath: '/chat',
    uploadDir,
    logger: silentLogger(),
    ...overrides,
  });
  const server = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
  return {
    backend,
    port: server.port,
    uploadDir,
    base: `http://127.0.0.1:${server.port}`,
    close: async () => {
      await server.close();
      await rm(uploadDir, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json(): unknown;
}

export interface RawRequest {
  method?: string;
  path: string;
  /** Defaults to `localhost:<port>`; `null` sends no Host header at all. */
  host?: string | null;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** One request over a fresh connection, with full control of the Host header. */
export function send(port: number, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...req.headers };
    const r = httpRequest(
      { host: '127.0.0.1', port, method: req.method ?? 'GET', path: req.path, headers, agent: false, setHost: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) as unknown });
        });
        res.on('error', reject);
      },
    );
    if (req.host !== null) r.setHeader('Host', req.host ?? `localhost:${port}`);
    r.on('error', reject);
    r.end(req.body);
  });
}

export interface SseFrame {
  event: string;
  data: string;
  /** The exact bytes of the frame, for framing checks. */
  raw: string;
}

export interface SseClient {
  response: IncomingMessage;
  next(timeoutMs?: number): Promise<SseFrame>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export function openSse(port: number, path: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      { host: '127.0.0.1', port, path, headers: { Host: `localhost:${port}`, ...headers }, agent: false },
      (res) => {
        let buffer = '';
        const frames: SseFrame[] = [];
        let wake: (() => void) | undefined;
        let done = false;
        const ended = new Promise<void>((end) => {
          const finish = (): void => {
            done = true;
            wake?.();
            end();
          };
          res.on('end', finish);
          res.on('close', finish);
          res.on('error', finish);
        });
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let at: number;
          while ((at = buffer.indexOf('\n\n')) >= 0) {
            const raw = buffer.slice(0, at + 2);
            buffer = buffer.slice(at + 2);
            const lines = raw.slice(0, -2).split('\n');
            const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? '';
            const data = lines.find((l) => l.startsWith('data: '))?.slice(6) ?? '';
            frames.push({ event, data, raw });
          }
          wake?.();
        });
        const next = async (timeoutMs = 2_000): Promise<SseFrame> => {
          const deadline = Date.now() + timeoutMs;
          while (frames.length === 0) {
            if (done) throw new Error('stream ended');
            const left = deadline - Date.now();
            if (left <= 0) throw new Error('timed out waiting for an SSE frame');
            await new Promise<void>((w) => {
              const t = setTimeout(w, left);
              wake = () => {
                clearTimeout(t);
                w();
              };
            });
            wake = undefined;
          }
          return frames.shift() as SseFrame;
        };
        resolve({ response: res, next, ended, close: () => r.destroy() });
      },
    );
    r.on('error', reject);
    r.end();
  });
}

// --- schema validation -------------------------------------------------------

const projectRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const FIXTURE_PATH = path.resolve(projectRoot, '../shared/fixtures/agentapi/openapi.json');

/** The upstream document, or undefined (with a visible note) when ../shared is absent. */
export function loadFixture(): { text: string; doc: unknown } | undefined {
  if (!existsSync(FIXTURE_PATH)) {
    console.warn(`note: ${FIXTURE_PATH} is absent; fixture comparisons are skipped`);
    return undefined;
  }
  const text = readFileSync(FIXTURE_PATH, 'utf8');
  return { text, doc: JSON.parse(text) as unknown };
}

function validatorsFor(doc: unknown): (name: SchemaName) => ValidateFunction {
  // OpenAPI 3.0 keywords (nullable, example) are not JSON Schema: strict off.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc as object, 'openapi.json');
  const cache = new Map<SchemaName, ValidateFunction>();
  return (name) => {
    let v = cache.get(name);
    if (!v) {
      v = ajv.getSchema(`openapi.json#/components/schemas/${name}`);
      if (!v) throw new Error(`no schema ${name}`);
      cache.set(name, v);
    }
    return v;
  };
}

const ownValidators = validatorsFor(openApiDocument());
let fixtureValidators: ((name: SchemaName) => ValidateFunction) | undefined | null = null;

/** Schema errors of `body` against our document and (when present) the upstream fixture. */
export function schemaErrors(name: SchemaName, body: unknown): string[] {
  if (fixtureValidators === null) {
    const fixture = loadFixture();
    fixtureValidators = fixture ? validatorsFor(fixture.doc) : undefined;
  }
  const out: string[] = [];
  for (const [label, get] of [
    ['own', ownValidators],
    ['fixture', fixtureValidators],
  ] as const) {
    if (!get) continue;
    const validate = get(name);
    if (!validate(body)) out.push(`${label}: ${JSON.stringify(validate.errors)}`);
  }
  return out;
}
