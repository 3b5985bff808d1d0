// Rendering templates (server.md §4.1.3–4, §4.3): context validation, the
// WorkspaceSpec validation whose message names the offending field, render
// failures, and the built-in demo template for a given context. Templates
// here are in-memory objects or the shipped demo; no process is started.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { TemplateContext } from '../../protocol/template.js';
import { TemplateError } from './errors.js';
import { loadTemplates, type Template } from './loader.js';
import { renderTemplate } from './render.js';

const CTX: TemplateContext = {
  task: { id: '0f8e6a4c-1b2d-4e3f-9a5b-6c7d8e9f0a1b', name: 'fix-bug', prompt: `Fix it's "bug"\n$(whoami) ✓` },
  workspace: { id: 'ws-1', name: 'fix-bug', build_number: 3 },
  owner: { id: 'u-1', username: 'admin', email: 'a@example.com' },
  home_dir: '/var/lib/taskyard/workspaces/ws-1/home',
  ports: { agentapi: 20_123 },
  access_url: 'http://127.0.0.1:3000',
};

function template(render: Template['render'], metadata: Template['metadata'] = {}): Template {
  return { name: 'inline', path: '/x/inline.ts', version: 'v', content: '', builtin: false, metadata, render };
}

async function renderError(t: Template, ctx: TemplateContext = CTX): Promise<TemplateError> {
  const err = await renderTemplate(t, ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TemplateError);
  return err as TemplateError;
}

describe('renderTemplate', () => {
  it('returns the validated spec of a sync or async template', async () => {
    const spec = { env: { A: 'b' }, directory: '/d', scripts: [{ display_name: 's', script: 'true', run_on_start: true }], apps: [] };
    expect(await renderTemplate(template(() => spec), CTX)).toEqual(spec);
    expect(await renderTemplate(template(() => Promise.resolve(spec)), CTX)).toEqual(spec);
  });

  it('gives the template a private copy of the context', async () => {
    const ctx = structuredClone(CTX);
    await renderTemplate(
      template((c) => {
        (c as TemplateContext).ports.agentapi = 1;
        return { scripts: [] };
      }),
      ctx,
    );
    expect(ctx).toEqual(CTX);
  });

  const app = { slug: 'web', display_name: 'Web', url: 'http://localhost:1/' };
  it.each([
    [undefined, '(root): Invalid input: expected object, received undefined'],
    [{}, 'scripts: Invalid input: expected array, received undefined'],
    [{ scripts: [{ display_name: 'a' }] }, 'scripts[0].script: Invalid input: expected string, received undefined'],
    [{ scripts: [{ display_name: 'a', script: 'x', runOnStart: true }] }, 'scripts[0].runOnStart: Unrecognized key: "runOnStart"'],
    [{ scripts: [{ display_name: 'a', script: 'x', timeout_ms: -1 }] }, 'scripts[0].timeout_ms: Too small: expected number to be >=0'],
    [{ scripts: [], apps: [{ ...app, slug: 'Bad_Slug' }] }, 'apps[0].slug: slug must match ^[a-z0-9](-?[a-z0-9])*$'],
    [{ scripts: [], apps: [{ ...app, slug: 'a--b' }] }, 'apps[0].slug: slug must match ^[a-z0-9](-?[a-z0-9])*$'],
    [{ scripts: [], apps: [app, { ...app }] }, 'apps[1].slug: duplicate app slug "web"'],
    [
      { scripts: [], apps: [{ ...app, healthcheck: { url: 'u', interval_s: 0, threshold: 1 } }] },
      'apps[0].healthcheck.interval_s: Too small: expected number to be >0',
    ],
    [{ scripts: [], env: { A: 1 } }, 'env.A: Invalid input: expected string, received number'],
  ])('invalid spec %j names the field', async (spec, detail) => {
    const err = await renderError(template(() => spec));
    expect(err.code).toBe('invalid_workspace_spec');
    expect(err.message).toBe(`template "inline": invalid workspace spec: ${detail}`);
  });

  it('wraps what the template throws', async () => {
    const err = await renderError(
      template(() => {
        throw new Error('no GPU available');
      }),
    );
    expect([err.code, err.message]).toEqual(['template_render_failed', 'template "inline": no GPU available']);
  });

  it('rejects a context without the ports the template asked for', async () => {
    const err = await renderError(template(() => ({ scripts: [] }), { ports: ['preview'] }));
    expect([err.code, err.message]).toEqual(['invalid_template_context', 'template "inline": invalid context: ports.preview: no port allocated']);
    const noAgentapi = await renderError(template(() => ({ scripts: [] })), { ...CTX, ports: {} });
    expect(noAgentapi.message).toBe('template "inline": invalid context: ports.agentapi: no port allocated');
  });

  it('rejects an invalid context, naming the field', async () => {
    const err = await renderError(template(() => ({ scripts: [] })), { ...CTX, ports: { agentapi: 70_000 } });
    expect(err.code).toBe('invalid_template_context');
    expect(err.message).toMatch(/^template "inline": invalid context: ports\.agentapi: /);
  });
});

describe('the built-in demo template (server.md §4.3)', () => {
  const demo = async () => (await loadTemplates('/nonexistent-templates-dir')).find((t) => t.name === 'demo')!;
  const decodeArg = (wrapper: string, name: string) => {
    const line = wrapper.split('\n').find((l) => l.startsWith(`${name}=`))!;
    return spawnSync('bash', ['-c', `${line.slice(0, -2)}\nprintf '%s' "$${name}"`], { encoding: 'utf8' }).stdout;
  };

  it('renders a prepare script, the agentapi module depending on it, and the task app', async () => {
    const t = await demo();
    expect(t.builtin).toBe(true);
    expect(t.metadata.display_name).toBe('Demo');
    const spec = await renderTemplate(t, CTX);
    expect(spec.directory).toBe(CTX.home_dir);
    expect(spec.scripts.map((s) => [s.display_name, s.resource_address, s.run_on_start ?? false, s.run_on_stop ?? false, s.depends_on])).toEqual([
      ['Prepare workspace', 'coder_script.prepare', true, false, undefined],
      ['Install and start AgentAPI', 'module.agentapi.coder_script.agentapi', true, false, ['coder_script.prepare']],
      ['AgentAPI Shutdown', 'module.agentapi.coder_script.shutdown', false, true, undefined],
    ]);
    expect(spec.scripts[0]!.script).toMatch(/sleep 1\n/);
    expect(spec.apps).toEqual([
      {
        slug: 'demo',
        display_name: 'Demo agent',
        url: 'http://localhost:20123/',
        icon: '/icon/coder.svg',
        healthcheck: { url: 'http://localhost:20123/status', interval_s: 3, threshold: 20 },
        task_app: true,
      },
    ]);
  });

  it('embeds the task prompt base64-encoded and runs the echo demo agent on loopback', async () => {
    const spec = await renderTemplate(await demo(), CTX);
    const start = spec.scripts[1]!.script;
    expect(start).not.toContain('whoami');
    const startScript = decodeArg(start, 'ARG_START_SCRIPT');
    // (The wrapper's "$(… | base64 -d)" drops trailing newlines, as in Terraform.)
    expect(startScript.split('\n').at(-1)).toBe('exec agentapi server --host 127.0.0.1 --port 20123 -- agentapi demo-agent --echo --think-ms 1000');
    const prompt = spawnSync('bash', ['-c', `${startScript.split('\n').find((l) => l.startsWith('AGENTAPI_INITIAL_PROMPT='))}\nprintf '%s' "$AGENTAPI_INITIAL_PROMPT"`], {
      encoding: 'utf8',
    }).stdout;
    expect(prompt).toBe(CTX.task!.prompt);
    expect(decodeArg(start, 'ARG_TASK_ID')).toBe(CTX.task!.id);
    expect(decodeArg(spec.scripts[2]!.script, 'ARG_TASK_ID')).toBe(CTX.task!.id);
  });

  it('renders without a task: no initial prompt, empty task ID', async () => {
    const spec = await renderTemplate(await demo(), { ...CTX, task: null });
    const start = spec.scripts[1]!.script;
    expect(decodeArg(start, 'ARG_START_SCRIPT')).not.toContain('AGENTAPI_INITIAL_PROMPT');
    expect(decodeArg(start, 'ARG_TASK_ID')).toBe('');
  });
});
