// SseReader: events split across chunks, comments, CRLF, multi-line data.
// In-process only: must never open sockets or spawn processes.
import { describe, expect, it } from 'vitest';
import { SseReader } from './sse-reader.js';

describe('SseReader', () => {
  it.each([
    ['one event', ['event: change\ndata: {"seq":1}\n\n'], [{ event: 'change', data: '{"seq":1}' }]],
    ['split anywhere', ['eve', 'nt: change\nda', 'ta: 1\n', '\n'], [{ event: 'change', data: '1' }]],
    ['comments ignored', [': ping\n\n', 'event: change\ndata: 2\n\n'], [{ event: 'change', data: '2' }]],
    ['CRLF split between chunks', ['event: change\r', '\ndata: 3\r\n\r\n'], [{ event: 'change', data: '3' }]],
    ['default event name', ['data: x\n\n'], [{ event: 'message', data: 'x' }]],
    ['multi-line data', ['data: a\ndata: b\n\n'], [{ event: 'message', data: 'a\nb' }]],
    ['no data → no event', ['event: change\n\n'], []],
    ['incomplete event held back', ['event: change\ndata: 4\n'], []],
    ['two events in one chunk', ['data: 1\n\ndata: 2\n\n'], [{ event: 'message', data: '1' }, { event: 'message', data: '2' }]],
  ])('%s', (_name, chunks, expected) => {
    const reader = new SseReader();
    expect(chunks.flatMap((chunk) => reader.push(chunk))).toEqual(expected);
  });
});
