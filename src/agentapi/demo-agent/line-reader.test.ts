// Line splitting like Go's bufio.ScanLines, and the queueing reader.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineReader, LineSplitter } from './line-reader.js';

describe('LineSplitter', () => {
  it.each([
    ['one line', ['hello\n'], ['hello'], null],
    ['CRLF loses the CR', ['hello\r\n'], ['hello'], null],
    ['inner CR is kept', ['a\rb\n'], ['a\rb'], null],
    ['line split across chunks', ['hel', 'lo\nwor', 'ld\n'], ['hello', 'world'], null],
    ['empty lines are lines', ['\n\n'], ['', ''], null],
    ['unterminated rest at the end', ['a\nrest\r'], ['a'], 'rest'],
  ])('%s', (_name, chunks, lines, rest) => {
    const splitter = new LineSplitter();
    expect(chunks.flatMap((chunk) => splitter.push(chunk))).toEqual(lines);
    expect(splitter.flush()).toBe(rest);
  });
});

describe('LineReader', () => {
  it('queues lines that arrive before they are asked for, in order', async () => {
    const input = new PassThrough();
    const reader = new LineReader(input);
    input.write('one\ntwo\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await reader.next()).toBe('one');
    expect(await reader.next()).toBe('two');
    reader.close();
  });

  it('resolves a waiting next() when a line arrives', async () => {
    const input = new PassThrough();
    const reader = new LineReader(input);
    const pending = reader.next();
    input.write('x\b\x1b[200~hi\x1b[201~\n');
    expect(await pending).toBe('x\b\x1b[200~hi\x1b[201~');
    reader.close();
  });

  it('decodes UTF-8 split across chunks', async () => {
    const input = new PassThrough();
    const reader = new LineReader(input);
    const bytes = Buffer.from('héllo\n');
    input.write(bytes.subarray(0, 2));
    input.write(bytes.subarray(2));
    expect(await reader.next()).toBe('héllo');
    reader.close();
  });

  it('returns the unterminated rest, then null at end of input', async () => {
    const input = new PassThrough();
    const reader = new LineReader(input);
    input.end('last');
    expect(await reader.next()).toBe('last');
    expect(await reader.next()).toBeNull();
  });

  it('treats a read error as end of input', async () => {
    const input = new PassThrough();
    const reader = new LineReader(input);
    const pending = reader.next();
    input.destroy(new Error('EIO'));
    expect(await pending).toBeNull();
  });

  it('close() resolves waiters with null and stops listening', async () => {
    const input = new PassThrough();
    const reader = new LineReader(input);
    const pending = reader.next();
    reader.close();
    expect(await pending).toBeNull();
    expect(input.listenerCount('data')).toBe(0);
  });
});
