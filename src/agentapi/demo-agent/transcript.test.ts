// The §10.2 screen protocol, byte for byte.
import { describe, expect, it } from 'vitest';
import { renderScreen, renderSpinnerFrame, SPINNER_CLEAR, type Transcript } from './transcript.js';

const conversation: Transcript = [
  { speaker: 'agent', text: 'Hello!' },
  { speaker: 'user', text: 'hi' },
  { speaker: 'agent', text: 'line one\nline two' },
];

describe('renderScreen', () => {
  it.each([
    ['empty transcript, idle', [], 'idle', '\x1b[2J\x1b[H> '],
    ['empty transcript, thinking', [], 'thinking', '\x1b[2J\x1b[HThinking... '],
    ['conversation, idle', conversation, 'idle', '\x1b[2J\x1b[HHello!\n> hi\nline one\nline two\n> '],
    ['conversation, thinking', conversation, 'thinking', '\x1b[2J\x1b[HHello!\n> hi\nline one\nline two\nThinking... '],
  ] as const)('%s', (_name, transcript, mode, expected) => {
    expect(renderScreen(transcript, mode)).toBe(expected);
  });
});

describe('spinner', () => {
  it.each([
    [0, '\rThinking |'],
    [1, '\rThinking /'],
    [2, '\rThinking -'],
    [3, '\rThinking \\'],
    [4, '\rThinking |'],
  ])('frame %i', (tick, expected) => {
    expect(renderSpinnerFrame(tick)).toBe(expected);
  });

  it('clears with a carriage return, 20 spaces and a carriage return', () => {
    expect(SPINNER_CLEAR).toBe(`\r${' '.repeat(20)}\r`);
  });
});
