// Script validation (§10.4, §10.6): the printed lines are exact.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScript, parseScript, ScriptError } from './script.js';

const testdata = (name: string): string => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));

function jsonSyntaxMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected invalid JSON');
}

function scriptErrorOf(run: () => unknown): ScriptError {
  try {
    run();
  } catch (err) {
    if (err instanceof ScriptError) return err;
    throw err;
  }
  throw new Error('expected a ScriptError');
}

describe('parseScript', () => {
  it('accepts entries with and without thinkDurationMS and drops unknown keys', () => {
    const script = parseScript(
      '[{"expectMessage":"","thinkDurationMS":1000,"responseMessage":"hi"},{"expectMessage":"a","responseMessage":"b","note":1}]',
    );
    expect(script).toEqual([
      { expectMessage: '', thinkDurationMS: 1000, responseMessage: 'hi' },
      { expectMessage: 'a', responseMessage: 'b' },
    ]);
  });

  it.each([
    ['bad JSON', 'not json', 'script_invalid', `Error loading script: failed to parse script JSON: ${jsonSyntaxMessage('not json')}`],
    ['empty file', '', 'script_invalid', `Error loading script: failed to parse script JSON: ${jsonSyntaxMessage('')}`],
    ['not an array', '{}', 'script_invalid', 'Error loading script: invalid script: script: Invalid input: expected array, received object'],
    [
      'expectMessage not a string',
      '[{"expectMessage":1,"responseMessage":"x"}]',
      'script_invalid',
      'Error loading script: invalid script: script[0].expectMessage: Invalid input: expected string, received number',
    ],
    [
      'missing responseMessage',
      '[{"expectMessage":""}]',
      'script_invalid',
      'Error loading script: invalid script: script[0].responseMessage: Invalid input: expected string, received undefined',
    ],
    [
      'thinkDurationMS not an integer',
      '[{"expectMessage":"","responseMessage":"x"},{"expectMessage":"","thinkDurationMS":1.5,"responseMessage":"x"}]',
      'script_invalid',
      'Error loading script: invalid script: script[1].thinkDurationMS: Invalid input: expected int, received number',
    ],
    ['empty array', '[]', 'script_empty', 'Script is empty'],
  ])('%s', (_name, text, code, printedLine) => {
    const err = scriptErrorOf(() => parseScript(text));
    expect(err.code).toBe(code);
    expect(err.printedLine).toBe(printedLine);
  });
});

describe('loadScript', () => {
  it('reads a script file', async () => {
    const script = await loadScript(testdata('echo-once.json'));
    expect(script).toHaveLength(2);
    expect(script[1]).toEqual({ expectMessage: 'This is a test message.', responseMessage: 'Echo: This is a test message.' });
  });

  it('reports an unreadable file with its cause', async () => {
    const err = await loadScript('/nonexistent/script.json').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScriptError);
    expect((err as ScriptError).code).toBe('script_unreadable');
    expect((err as ScriptError).printedLine).toBe(
      "Error loading script: failed to read script file: ENOENT: no such file or directory, open '/nonexistent/script.json'",
    );
  });

  it.each([
    ['empty.json', 'Script is empty'],
    ['wrong-types.json', 'Error loading script: invalid script: script[0].responseMessage: Invalid input: expected string, received number'],
    ['truncated.json', `Error loading script: failed to parse script JSON: ${jsonSyntaxMessage(readFileSync(testdata('truncated.json'), 'utf8'))}`],
  ])('testdata/%s', async (name, printedLine) => {
    const err = await loadScript(testdata(name)).catch((e: unknown) => e);
    expect((err as ScriptError).printedLine).toBe(printedLine);
  });
});
