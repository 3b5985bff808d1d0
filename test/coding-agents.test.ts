// Templates for real coding agents (templates/coding-agents.ts): every example
// file loads through the server's template loader and renders; the rendered
// start wrapper really starts AgentAPI in front of a stand-in `claude` (a
// script on PATH that checks the key from the env file, then runs the echo
// demo agent), the prompt arrives once, and a missing agent fails the start
// with the install hint. No real agent or API key is used.
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENTAPI_JS, freePort, Sandbox } from '../registry/coder/modules/agentapi/testdata/harness.js';
import { loadTemplateFile } from '../src/server/templates/index.js';
import { renderTemplate } from '../src/server/templates/render.js';
import { base64encode } from '../templates/agentapi-wrappers.js';
import { codingAgentStartScript, codingAgentTemplate, CODING_AGENTS, defaultAgentEnvFile, type CodingAgent } from '../templates/coding-agents.js';
import { PROJECT_ROOT } from './helpers/agentapi-process.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => {
  await sandbox.cleanup();
});

const EXAMPLES_DIR = path.join(PROJECT_ROOT, 'templates', 'examples');

function renderFor(agent: CodingAgent, port: number, prompt = 'hello there', envFile = path.join(sandbox.root, 'agent.env')) {
  const ctx = { ...sandbox.context(port), task: { id: '0b6e5f7a-8f7d-4c2e-9a53-3c2b1f0d9e11', name: 't', prompt } };
  return codingAgentTemplate({ agent, env_file: envFile }).render(ctx);
}

describe('coding agent templates', () => {
  it('each example file loads through the template loader and renders a start script for its agent', async () => {
    const files = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.ts'));
    expect(files.sort()).toEqual(['aider.ts', 'claude-code.ts', 'codex.ts', 'goose.ts']);
    for (const file of files) {
      const template = await loadTemplateFile(path.join(EXAMPLES_DIR, file));
      const spec = await renderTemplate(template, sandbox.context(4000));
      const start = spec.scripts.find((s) => s.run_on_start)!.script;
      const agent = (Object.keys(CODING_AGENTS) as CodingAgent[]).find((a) => template.metadata.display_name === CODING_AGENTS[a].display_name)!;
      expect(agent, file).toBeDefined();
      // The wrapper carries AgentAPI's start script base64-encoded (as the Terraform module does).
      const profile = CODING_AGENTS[agent];
      expect(start, file).toContain(base64encode(codingAgentStartScript(profile, profile.command, 4000, defaultAgentEnvFile(), '')));
      expect(spec.apps?.[0]).toMatchObject({ slug: agent, task_app: true });
    }
  });

  it('the prompt and the env file path are the only inputs; no key is ever rendered', () => {
    writeFileSync(path.join(sandbox.root, 'agent.env'), 'ANTHROPIC_API_KEY=sk-never-rendered\n');
    const spec = renderFor('claude', 4000, "it's a 'quoted' prompt");
    const all = JSON.stringify(spec);
    expect(all).not.toContain('sk-never-rendered');
    expect(all).not.toContain("it's a 'quoted' prompt");
  });

  it('rejects an unknown agent and an empty command with clear messages', () => {
    expect(() => codingAgentTemplate({ agent: 'cursor' as CodingAgent })).toThrow('unknown coding agent "cursor"; use one of claude, codex, aider, goose');
    expect(() => codingAgentTemplate({ agent: 'claude', command: [] })).toThrow('command must name a program');
  });

  it('starts AgentAPI in front of the agent with the key from the env file; the prompt is answered once', async () => {
    const keySeen = path.join(sandbox.root, 'key-seen');
    writeFileSync(path.join(sandbox.root, 'agent.env'), 'ANTHROPIC_API_KEY=sk-test-key\n');
    // The stand-in for Claude Code: records the key it got, then runs the echo demo agent.
    writeFileSync(
      path.join(sandbox.bin, 'claude'),
      `#!/bin/bash\nprintf '%s' "$ANTHROPIC_API_KEY|$*" > '${keySeen}'\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(AGENTAPI_JS)} demo-agent --echo --think-ms 50\n`,
    );
    chmodSync(path.join(sandbox.bin, 'claude'), 0o755);
    const port = await freePort();
    const spec = renderFor('claude', port);
    const r = await sandbox.run(spec.scripts.find((s) => s.run_on_start)!.script);
    expect(r.code, r.output).toBe(0);

    await expect.poll(async () => {
      const { messages } = (await (await fetch(`http://127.0.0.1:${port}/messages`)).json()) as { messages: { role: string; content: string }[] };
      return messages.map((m) => `${m.role}: ${m.content.trim()}`);
    }, { timeout: 20_000 }).toEqual(expect.arrayContaining(['user: hello there', expect.stringMatching(/^agent: .*Echo: hello there/s)]));
    expect(readFileSync(keySeen, 'utf8')).toBe('sk-test-key|--dangerously-skip-permissions');
    const { messages } = (await (await fetch(`http://127.0.0.1:${port}/messages`)).json()) as { messages: { role: string; content: string }[] };
    expect(messages.filter((m) => m.role === 'user')).toHaveLength(1);
  });

  it('fails the start script with the install hint when the agent is not on PATH', async () => {
    const port = await freePort();
    const spec = renderFor('codex', port);
    const r = await sandbox.run(spec.scripts.find((s) => s.run_on_start)!.script, sandbox.env({ PATH: sandbox.pathWithout(['codex']) }));
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('Codex (codex) is not on PATH; install it: npm install -g @openai/codex');
  });
});
