// Template loading (server.md §4.1.1–2) from a temp directory outside any
// package: .ts/.mts/.js/.mjs modules through tsx, `taskyard/templates`
// resolving from there, names, SHA-256 versions, metadata, reloads, and the
// typed errors. It never writes outside its temp dir and starts no process.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TemplateError } from './errors.js';
import { loadTemplateFile, loadTemplates, templateFileName } from './loader.js';
import { builtinTemplateFiles } from './package-root.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'taskyard-templates-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const write = (name: string, content: string) => {
  writeFileSync(path.join(dir, name), content);
  return path.join(dir, name);
};
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

const TS_TEMPLATE = `
import { agentapiModule, type TemplateContext, type WorkspaceSpec } from 'taskyard/templates';
import { greeting } from './lib/greeting.ts';

export const metadata = { display_name: 'Claude-ish', description: 'd', icon: '/icon/x.svg', ports: ['preview'] };
const suffix: string = await Promise.resolve('!');

export default function (ctx: TemplateContext): WorkspaceSpec {
  const agentapi = agentapiModule(ctx, { web_app_slug: 'chat', web_app_display_name: 'Chat', module_dir_name: '.m', start_script: 'agentapi server' });
  return { scripts: [{ display_name: greeting + suffix, script: 'true', run_on_start: true }, ...agentapi.scripts], apps: agentapi.apps };
}
`;

async function expectTemplateError(promise: Promise<unknown>, code: string, message: string | RegExp): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TemplateError);
  expect((err as TemplateError).code).toBe(code);
  if (typeof message === 'string') expect((err as TemplateError).message).toBe(message);
  else expect((err as TemplateError).message).toMatch(message);
}

describe('loadTemplates', () => {
  it('loads .ts, .mts, .js and .mjs templates (ES modules without a package.json) plus the built-ins', async () => {
    mkdirSync(path.join(dir, 'lib'));
    write('lib/greeting.ts', "export const greeting: string = 'hello';\n");
    const ts = write('claude-ish.ts', TS_TEMPLATE);
    write('typed.mts', "export default (): { scripts: [] } => ({ scripts: [] });\n");
    write('plain.js', "export const metadata = { display_name: 'Plain' };\nexport default () => ({ scripts: [] });\n");
    write('mod-2.mjs', 'export default async (ctx) => ({ scripts: [{ display_name: ctx.workspace.name, script: "true" }] });\n');
    write('README.md', '# not a template');
    write('types.d.ts', 'export type X = 1;\n');
    write('.hidden.ts', 'throw new Error("never imported");\n');
    write('lib/nested.ts', 'throw new Error("never imported");\n');

    const templates = await loadTemplates(dir);
    expect(templates.map((t) => [t.name, t.builtin])).toEqual([
      ['claude-ish', false],
      ['demo', true],
      ['mod-2', false],
      ['plain', false],
      ['typed', false],
    ]);
    const claude = templates[0]!;
    expect(claude.path).toBe(ts);
    expect(claude.version).toBe(sha256(ts));
    expect(claude.content).toBe(TS_TEMPLATE);
    expect(claude.metadata).toEqual({ display_name: 'Claude-ish', description: 'd', icon: '/icon/x.svg', ports: ['preview'] });
    expect(templates.find((t) => t.name === 'plain')!.metadata).toEqual({ display_name: 'Plain' });
    expect(templates.find((t) => t.name === 'demo')!.version).toBe(sha256(builtinTemplateFiles()[0]!));
  });

  it('has only the built-ins when the directory does not exist', async () => {
    const templates = await loadTemplates(path.join(dir, 'missing'));
    expect(templates.map((t) => t.name)).toEqual(['demo']);
  });

  it('lets a directory template replace a built-in of the same name', async () => {
    write('demo.mjs', 'export default () => ({ scripts: [] });\n');
    const templates = await loadTemplates(dir);
    expect(templates.map((t) => [t.name, t.builtin, path.basename(t.path)])).toEqual([['demo', false, 'demo.mjs']]);
  });

  it('rejects two files with one name', async () => {
    write('twin.ts', 'export default () => ({ scripts: [] });\n');
    write('twin.mjs', 'export default () => ({ scripts: [] });\n');
    await expectTemplateError(loadTemplates(dir, []), 'duplicate_template', 'template "twin" is defined twice: twin.mjs and twin.ts');
  });

  it.each(['Bad_Name.ts', '-leading.mjs', 'UPPER.js', 'dot.name.ts', 'spa ce.mts'])('rejects the file name %s', async (file) => {
    write(file, 'export default () => ({ scripts: [] });\n');
    const name = templateFileName(file)!;
    await expectTemplateError(
      loadTemplates(dir, []),
      'invalid_template_name',
      `template file "${file}": name "${name}" does not match ^[a-z0-9][a-z0-9-]*$`,
    );
  });

  it('re-imports changed content: new version, new behaviour', async () => {
    const file = write('live.ts', "export default () => ({ scripts: [{ display_name: 'v1', script: 'true' }] });\n");
    const first = await loadTemplateFile(file);
    write('live.ts', "export default () => ({ scripts: [{ display_name: 'v2', script: 'true' }] });\n");
    const second = await loadTemplateFile(file);
    expect(second.version).not.toBe(first.version);
    expect(second.version).toBe(sha256(file));
    expect(await second.render({})).toEqual({ scripts: [{ display_name: 'v2', script: 'true' }] });
    expect(await first.render({})).toEqual({ scripts: [{ display_name: 'v1', script: 'true' }] });
  });

  it.each([
    ['syntax.ts', 'export default (', 'template_import_failed', /^template "syntax": import failed: /],
    ['throws.mjs', 'throw new Error("kaboom");\n', 'template_import_failed', 'template "throws": import failed: kaboom'],
    ['nodefault.ts', 'export const x = 1;\n', 'invalid_template_module', 'template "nodefault": the default export must be a function (ctx) => WorkspaceSpec'],
    ['objdefault.mjs', 'export default { scripts: [] };\n', 'invalid_template_module', /default export must be a function/],
    [
      'badmeta.ts',
      "export const metadata = { display_name: 'x', portz: [] };\nexport default () => ({ scripts: [] });\n",
      'invalid_template_metadata',
      'template "badmeta": invalid metadata: metadata.portz: Unrecognized key: "portz"',
    ],
    [
      'badports.mjs',
      "export const metadata = { ports: 'web' };\nexport default () => ({ scripts: [] });\n",
      'invalid_template_metadata',
      /^template "badports": invalid metadata: metadata\.ports: /,
    ],
  ])('%s → %s', async (file, content, code, message) => {
    write(file, content);
    await expectTemplateError(loadTemplates(dir, []), code, message);
  });
});

describe('templateFileName', () => {
  it.each([
    ['demo.ts', 'demo'],
    ['a-b.mts', 'a-b'],
    ['x.js', 'x'],
    ['y.mjs', 'y'],
    ['z.cjs', undefined],
    ['types.d.ts', undefined],
    ['types.d.mts', undefined],
    ['.hidden.ts', undefined],
    ['notes.txt', undefined],
  ])('%s → %s', (file, name) => {
    expect(templateFileName(file)).toBe(name);
  });
});
