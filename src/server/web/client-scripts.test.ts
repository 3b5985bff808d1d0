// The dashboard's browser scripts as text: each page's script parses as one
// strict-mode script, every part is in it, and none reaches beyond this
// origin. What they do is tested in a browser (test/dashboard.browser.test.ts).
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ASSET_NAMES, findAsset } from './assets.js';
import { TASK_SCRIPT, TASK_SCRIPT_PARTS, TASKS_SCRIPT, TASKS_SCRIPT_PARTS } from './client-scripts.js';
import { DASHBOARD_STYLES } from './styles.js';

describe.each([
  ['tasks.js', TASKS_SCRIPT, TASKS_SCRIPT_PARTS],
  ['task.js', TASK_SCRIPT, TASK_SCRIPT_PARTS],
] as const)('%s', (name, script, parts) => {
  it('is the served asset and parses as one strict-mode script holding every part', () => {
    expect(findAsset(name)?.body).toBe(script);
    expect(() => new Script(script, { filename: name })).not.toThrow();
    for (const part of parts) expect(script).toContain(part);
    expect(script.startsWith("(function () {\n'use strict';")).toBe(true);
  });

  it('names no other origin', () => {
    expect(script).not.toMatch(/https?:\/\//i);
    expect(script).not.toMatch(/\bwss?:/i);
  });
});

it('the stylesheet references no URL', () => {
  expect(DASHBOARD_STYLES).not.toMatch(/url\(|@import|@font-face|https?:/i);
});

it('every asset has a distinct ETag', () => {
  const etags = ASSET_NAMES.map((n) => findAsset(n)!.etag);
  expect(new Set(etags).size).toBe(etags.length);
});
