import { describe, expect, it } from 'vitest';
import { stringifyGoJson } from './go-json.js';

describe('stringifyGoJson', () => {
  it.each([
    ['<b>&</b>', '"\\u003cb\\u003e\\u0026\\u003c/b\\u003e"'],
    ['line\u2028sep\u2029', '"line\\u2028sep\\u2029"'],
    ['\b\f\n\r\t', '"\\b\\f\\n\\r\\t"'],
    ['\x00\x01\x1f\x7f', '"\\u0000\\u0001\\u001f\x7f"'],
    ['héllo ✓ 漢字', '"héllo ✓ 漢字"'],
    ['quote " and \\', '"quote \\" and \\\\"'],
  ])('escapes %j like Go', (input, expected) => {
    expect(stringifyGoJson(input)).toBe(expected);
    expect(JSON.parse(stringifyGoJson(input))).toBe(input);
  });
});
