// Flag parsing of `agentapi demo-agent`.
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseThinkMs } from './demo-agent-command.js';

describe('parseThinkMs', () => {
  it.each([
    ['0', 0],
    ['250', 250],
    ['007', 7],
  ])('%s → %i', (value, expected) => {
    expect(parseThinkMs(value)).toBe(expected);
  });

  it.each(['', '-1', '1.5', '1e3', 'soon', ' 5'])('%j is rejected', (value) => {
    expect(() => parseThinkMs(value)).toThrow(InvalidArgumentError);
  });
});
