import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BODY_READ_TIMEOUT_MS } from './read-body.js';
import { openSse, schemaErrors, send, startTestServer, type RawResponse, type TestServer } from './testdata/harness.js';

const MiB = 1_048_576;

interface Problem {
  $schema: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { message?: string; location?: string; value?: unknown }[];
}

function expectProblem(res: RawResponse, status: number, title: string): Problem {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/problem+json');
  expect(res.headers.link).toBe('</schemas/ErrorModel.json>; rel="describedBy"');
  expect(res.body.startsWith('{"$schema":"http://localhost:')).toBe(true);
  const body = res.json() as Problem;
  expect(Object.keys(body).slice(0, 3)).toEqual(['$schema', 'title', 'status']);
  expect(body).toMatchObject({ title, status });
  expect(schemaErrors('ErrorModel', body)).toEqual([]);
  return body;
}

describe('POST /message', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ bodyReadTimeoutMs: 300 });
  });
  afterAll(() => srv.close());
  afterEach(() => {
    srv.backend.sendImpl = (type, content) => srv.backend.defaultSend(type, content);
    srv.backend.currentStatus = 'stable';
  });

  const post = (body: string | Uint8Array, contentType = 'application/json'): Promise<RawResponse> =>
    send(srv.port, { method: 'POST', path: '/message', headers: { 'Content-Type': contentType }, body });

  it('sends a user message and answers {$schema, ok} with a Link header', async () => {
    const res = await post('{"content":"  hello  ","type":"user"}');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers.link).toBe('</schemas/MessageResponseBody.json>; rel="describedBy"');
    expect(res.body).toBe(`{"$schema":"http://localhost:${srv.port}/schemas/MessageResponseBody.json","ok":true}\n`);
    expect(schemaErrors('MessageResponseBody', res.json())).toEqual([]);
    expect(srv.backend.history.at(-1)?.text).toBe('hello');
  });

  it('passes raw content through verbatim', async () => {
    const res = await post(JSON.stringify({ content: '\u001b[A ', type: 'raw' }));
    expect(res.status).toBe(200);
    expect(srv.backend.rawWrites.at(-1)).toBe('\u001b[A ');
  });

  it('accepts the read-only $schema property a client echoes back', async () => {
    const res = await post('{"$schema":"http://x/schemas/MessageRequestBody.json","content":"a","type":"raw"}');
    expect(res.status).toBe(200);
  });

  it.each([
    ['unknown property', '{"content":"x","type":"user","extra":1}', 'body.extra', 'unexpected property'],
    ['missing type', '{"content":"x"}', 'body', 'expected required property type to be present'],
    ['missing content', '{"type":"user"}', 'body', 'expected required property content to be present'],
    ['bad enum', '{"content":"x","type":"bad"}', 'body.type', 'expected value to be one of "raw, user"'],
    ['content not a string', '{"content":1,"type":"user"}', 'body.content', 'expected string'],
    ['type not a string', '{"content":"x","type":true}', 'body.type', 'expected string'],
    ['$schema not a string', '{"$schema":1,"content":"x","type":"raw"}', 'body.$schema', 'expected string'],
    ['array body', '[]', 'body', 'expected object'],
    ['null body', 'null', 'body', 'expected object'],
    ['string body', '"hi"', 'body', 'expected object'],
    ['empty body', '', 'body', 'request body is required'],
  ])('%s → 422 %s: %s', async (_name, body, location, message) => {
    const problem = expectProblem(await post(body), 422, 'Unprocessable Entity');
    expect(problem.detail).toBe('validation failed');
    expect(problem.errors?.[0]).toMatchObject({ location, message });
  });

  it('reports every error, declared properties first, unknown ones last', async () => {
    const problem = expectProblem(await post('{"zzz":1,"type":"bad"}'), 422, 'Unprocessable Entity');
    expect(problem.errors?.map((e) => [e.location, e.message])).toEqual([
      ['body', 'expected required property content to be present'],
      ['body.type', 'expected value to be one of "raw, user"'],
      ['body.zzz', 'unexpected property'],
    ]);
  });

  it('malformed JSON → 400 Bad Request with a detail', async () => {
    const problem = expectProblem(await post('{'), 400, 'Bad Request');
    expect(problem.detail).toBeTruthy();
    expect(problem.errors?.[0]?.location).toBe('body');
  });

  it('a non-JSON content type → 415', async () => {
    const problem = expectProblem(await post('content=x', 'application/x-www-form-urlencoded'), 415, 'Unsupported Media Type');
    expect(problem.errors?.[0]?.message).toBe('unknown content type: application/x-www-form-urlencoded');
  });

  it('a body of exactly 1 MiB is read and handled', async () => {
    const prefix = '{"content":"';
    const suffix = '","type":"raw"}';
    const body = prefix + 'x'.repeat(MiB - prefix.length - suffix.length) + suffix;
    expect(Buffer.byteLength(body)).toBe(MiB);
    const res = await post(body);
    expect(res.status).toBe(200);
  });

  it('1 MiB + 1 → 413 with the exact detail', async () => {
    const problem = expectProblem(await post('x'.repeat(MiB + 1)), 413, 'Request Entity Too Large');
    expect(problem.detail).toBe('request body is too large limit=1048576 bytes');
    expect(problem.errors).toBeUndefined();
  });

  it('1 MiB + 1 sent chunked (no Content-Length) → 413 as well', async () => {
    const res = await send(srv.port, {
      method: 'POST',
      path: '/message',
      headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      body: 'x'.repeat(MiB + 1),
    });
    expect(expectProblem(res, 413, 'Request Entity Too Large').detail).toBe(
      'request body is too large limit=1048576 bytes',
    );
  });

  it('the body read limit is 5 s by default', () => {
    expect(BODY_READ_TIMEOUT_MS).toBe(5_000);
  });

  it('a body not received in time → 408', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(srv.port, '127.0.0.1', () => {
        socket.write(
          `POST /message HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"con`,
        );
      });
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => {
        text += d;
        if (text.includes('\r\n\r\n') && text.trimEnd().endsWith('}')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
    });
    expect(raw.startsWith('HTTP/1.1 408')).toBe(true);
    expect(raw).toContain('"detail":"request body read timeout"');
  });

  it('empty user content → 500 with the unwrapped validation cause', async () => {
    const problem = expectProblem(await post('{"content":"   ","type":"user"}'), 500, 'Internal Server Error');
    expect(problem.detail).toBe('unexpected error occurred');
    expect(problem.errors).toEqual([{ message: 'failed to send message: message must not be empty' }]);
  });

  it('a send failure → 500 with errors[0].message = "failed to send message: " + cause', async () => {
    srv.backend.sendImpl = () =>
      Promise.reject(new Error('failed to send message: failed to wait for processing to start: timeout waiting for condition'));
    const problem = expectProblem(await post('{"content":"x","type":"user"}'), 500, 'Internal Server Error');
    expect(problem.errors?.[0]?.message).toBe(
      'failed to send message: failed to send message: failed to wait for processing to start: timeout waiting for condition',
    );
  });

  it('GET /status, /messages, /events, /internal/screen answer within 200 ms while a send is in flight', async () => {
    let release: () => void = () => {};
    let started: () => void = () => {};
    const sendStarted = new Promise<void>((r) => (started = r));
    srv.backend.sendImpl = () => {
      srv.backend.setStatus('running');
      started();
      return new Promise<void>((r) => (release = r));
    };
    const inFlight = post('{"content":"slow","type":"user"}');
    await sendStarted;

    const timed = async <T>(fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      const out = await fn();
      expect(performance.now() - t0).toBeLessThan(200);
      return out;
    };
    const status = await timed(() => send(srv.port, { path: '/status' }));
    expect(status.json()).toMatchObject({ status: 'running' });
    expect(schemaErrors('StatusResponseBody', status.json())).toEqual([]);
    const messages = await timed(() => send(srv.port, { path: '/messages' }));
    expect(messages.status).toBe(200);
    const statusEvent = await timed(async () => {
      const sse = await openSse(srv.port, '/events');
      let frame = await sse.next(200);
      while (frame.event !== 'status_change') frame = await sse.next(200);
      sse.close();
      return frame;
    });
    expect(JSON.parse(statusEvent.data)).toMatchObject({ status: 'running' });
    const screen = await timed(async () => {
      const sse = await openSse(srv.port, '/internal/screen');
      const first = await sse.next(200);
      sse.close();
      return first;
    });
    expect(screen.event).toBe('screen');

    release();
    expect((await inFlight).status).toBe(200);
  });
});
