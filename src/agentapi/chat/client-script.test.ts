import { runInNewContext, Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { API_SCRIPT } from './client/api.js';
import { KEYS_SCRIPT } from './client/keys.js';
import { EVENTS_SCRIPT } from './client/events.js';
import { CHAT_CLIENT_SCRIPT, CLIENT_SCRIPT_PARTS } from './client-script.js';

interface KeyEvent {
  key: string;
  ctrlKey?: boolean;
  shiftKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  isComposing?: boolean;
}

interface Problem {
  title: string;
  detail: string;
  errors: string[];
}

interface FakeResponse {
  ok: boolean;
  status: number;
  statusText: string;
  text(): Promise<string>;
}

interface ApiClient {
  base: string;
  eventsUrl: string;
  sendMessage(type: string, content: string): Promise<unknown>;
}

interface ScriptExports {
  rawForKey(e: KeyEvent): string | null;
  keyLabel(raw: string): string;
  resolveApiBase(search: string, fallback: string): string;
  problemFromResponse(status: number, statusText: string, body: unknown, text: string): Problem;
  problemOf(err: unknown): Problem;
  createApi(base: string, fetchImpl: (url: string, init: unknown) => Promise<FakeResponse>): ApiClient;
  createRawQueue(sendRaw: (bytes: string) => Promise<unknown>, onError: (err: unknown) => void): (bytes: string) => void;
  publicStatus(status: unknown): string;
}

/** The pure parts of the browser script, run in a fresh VM context (no DOM). */
function loadPureParts(): ScriptExports {
  const names = 'rawForKey, keyLabel, resolveApiBase, problemFromResponse, problemOf, createApi, createRawQueue, publicStatus';
  const source = `${KEYS_SCRIPT}\n${API_SCRIPT}\n${EVENTS_SCRIPT}\n({ ${names} })`;
  // Round-trip results through JSON where compared: objects from the VM realm have other prototypes.
  return runInNewContext(source, { URLSearchParams }) as ScriptExports;
}

const script = loadPureParts();
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('the browser script', () => {
  it('parses as a whole and part by part', () => {
    expect(() => new Script(CHAT_CLIENT_SCRIPT)).not.toThrow();
    for (const part of CLIENT_SCRIPT_PARTS) expect(() => new Script(part)).not.toThrow();
    expect(() => new Function(CHAT_CLIENT_SCRIPT)).not.toThrow();
  });

  it('cannot end its inline <script> early and holds no absolute URL', () => {
    expect(CHAT_CLIENT_SCRIPT).not.toMatch(/<\/script/i);
    expect(CHAT_CLIENT_SCRIPT).not.toMatch(/https?:|['"]\/\//i);
  });
});

describe('control mode key translation', () => {
  it.each<[string, KeyEvent, string | null]>([
    ['a printable character as-is', { key: 'a' }, 'a'],
    ['a shifted character as-is', { key: 'A', shiftKey: true }, 'A'],
    ['space', { key: ' ' }, ' '],
    ['a non-ASCII character', { key: 'é' }, 'é'],
    ['an astral character', { key: '😀' }, '😀'],
    ['Enter → CR', { key: 'Enter' }, '\r'],
    ['Shift+Enter → CR too', { key: 'Enter', shiftKey: true }, '\r'],
    ['Backspace → DEL', { key: 'Backspace' }, '\x7f'],
    ['Escape → ESC', { key: 'Escape' }, '\x1b'],
    ['Tab', { key: 'Tab' }, '\t'],
    ['Shift+Tab → back-tab', { key: 'Tab', shiftKey: true }, '\x1b[Z'],
    ['ArrowUp', { key: 'ArrowUp' }, '\x1b[A'],
    ['ArrowDown', { key: 'ArrowDown' }, '\x1b[B'],
    ['ArrowRight', { key: 'ArrowRight' }, '\x1b[C'],
    ['ArrowLeft', { key: 'ArrowLeft' }, '\x1b[D'],
    ['Delete', { key: 'Delete' }, '\x1b[3~'],
    ['Ctrl+C → ETX', { key: 'c', ctrlKey: true }, '\x03'],
    ['Ctrl+A → SOH', { key: 'a', ctrlKey: true }, '\x01'],
    ['Ctrl+Z → SUB', { key: 'z', ctrlKey: true }, '\x1a'],
    ['Ctrl with caps lock', { key: 'D', ctrlKey: true }, '\x04'],
    ['Ctrl+[ → ESC', { key: '[', ctrlKey: true }, '\x1b'],
    ['Ctrl+Shift+V is left to the browser (paste)', { key: 'V', ctrlKey: true, shiftKey: true }, null],
    ['Ctrl+digit is left to the browser', { key: '1', ctrlKey: true }, null],
    ['Alt combinations are left to the browser', { key: 'x', altKey: true }, null],
    ['Meta combinations are left to the browser', { key: 'c', metaKey: true }, null],
    ['bare modifiers are ignored', { key: 'Shift', shiftKey: true }, null],
    ['function keys are ignored', { key: 'F5' }, null],
    ['IME composition is ignored', { key: 'a', isComposing: true }, null],
  ])('%s', (_name, event, raw) => {
    expect(script.rawForKey(event)).toBe(raw);
  });

  it.each([
    ['\r', '⏎'],
    ['\x7f', '⌫'],
    ['\x1b', 'Esc'],
    ['\x03', '^C'],
    ['\x1b[A', '↑'],
    ['x', 'x'],
    ['pasted\rtext', 'pasted·text'],
  ])('keyLabel(%j) = %j', (raw, label) => {
    expect(script.keyLabel(raw)).toBe(label);
  });
});

describe('API client', () => {
  it.each([
    ['no ?url=: the parent of the chat base path', '', '', ''],
    ['no ?url= behind a proxy', '?x=1', '/proxy/agent', '/proxy/agent'],
    ['?url= wins', '?url=http%3A%2F%2Flocalhost%3A3284%2F', '/proxy', 'http://localhost:3284'],
    ['?url= with a path prefix', '?url=/other/api//', '', '/other/api'],
    ['an empty ?url= is ignored', '?url=', '/proxy', '/proxy'],
  ])('<api>: %s', (_name, search, fallback, expected) => {
    expect(script.resolveApiBase(search, fallback)).toBe(expected);
  });

  it('problem+json: title, detail and one line per error (with its location)', () => {
    const body = {
      title: 'Unprocessable Entity',
      status: 422,
      detail: 'validation failed',
      errors: [{ location: 'body.extra', message: 'unexpected property' }, { message: 'expected string' }, {}],
    };
    expect(plain(script.problemFromResponse(422, 'Unprocessable Entity', body, JSON.stringify(body)))).toEqual({
      title: 'Unprocessable Entity',
      detail: 'validation failed',
      errors: ['unexpected property (body.extra)', 'expected string'],
    });
  });

  it('a non-JSON error (the host check) keeps its status and text', () => {
    const text = 'Invalid host header. Allowed hosts: localhost\n';
    expect(plain(script.problemFromResponse(400, 'Bad Request', null, text))).toEqual({
      title: 'HTTP 400 Bad Request',
      detail: 'Invalid host header. Allowed hosts: localhost',
      errors: [],
    });
  });

  it('requests go to <api> only, and failures reject with their problem', async () => {
    const urls: string[] = [];
    const problem = { title: 'Internal Server Error', status: 500, detail: 'unexpected error occurred', errors: [{ message: 'failed to send message: busy' }] };
    const api = script.createApi('/proxy/agent', (url) => {
      urls.push(url);
      return Promise.resolve({ ok: false, status: 500, statusText: '', text: () => Promise.resolve(JSON.stringify(problem)) });
    });
    expect(api.eventsUrl).toBe('/proxy/agent/events');
    const err = await api.sendMessage('user', 'hi').catch((e: unknown) => e);
    expect(urls).toEqual(['/proxy/agent/message']);
    expect(plain(script.problemOf(err))).toEqual({
      title: 'Internal Server Error',
      detail: 'unexpected error occurred',
      errors: ['failed to send message: busy'],
    });
  });

  it('a network failure becomes a problem naming <api>', async () => {
    const api = script.createApi('', () => Promise.reject(new Error('Failed to fetch')));
    const problem = script.problemOf(await api.sendMessage('raw', 'x').catch((e: unknown) => e));
    expect(problem.title).toBe('Network error');
    expect(problem.detail).toContain('Failed to fetch');
  });

  it('raw keys are sent one request at a time, in order, coalescing what was typed meanwhile', async () => {
    const sent: string[] = [];
    const finish: (() => void)[] = [];
    const enqueue = script.createRawQueue(
      (bytes) => {
        sent.push(bytes);
        return new Promise<void>((resolve) => finish.push(resolve));
      },
      () => undefined,
    );
    enqueue('h');
    enqueue('i');
    enqueue('\r');
    expect(sent).toEqual(['h']);
    finish.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual(['h', 'i\r']);
    finish.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual(['h', 'i\r']);
  });

  it('a failed raw send is reported and does not block the queue', async () => {
    const errors: unknown[] = [];
    const sent: string[] = [];
    const enqueue = script.createRawQueue(
      (bytes) => {
        sent.push(bytes);
        return bytes === 'a' ? Promise.reject(new Error('boom')) : Promise.resolve();
      },
      (err) => errors.push(err),
    );
    enqueue('a');
    enqueue('b');
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual(['a', 'b']);
    expect(errors).toHaveLength(1);
  });

  it.each([
    ['stable', 'stable'],
    ['running', 'running'],
    ['changing', 'unknown'],
    [undefined, 'unknown'],
  ])('status %j is shown as %j', (status, shown) => {
    expect(script.publicStatus(status)).toBe(shown);
  });
});
