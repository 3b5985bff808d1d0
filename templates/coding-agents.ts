// `taskyard/templates/coding-agents`: workspace templates for real coding
// agents (Claude Code, Codex, Aider, Goose) behind AgentAPI, the way the demo
// template runs the echo agent. A template file in --templates-dir needs two
// lines: `const t = codingAgentTemplate({ agent: 'claude' })`, then export
// `t.metadata` and `t.render` (see templates/examples/). API keys never enter
// a rendered script (those are stored in the database): the start script
// sources an env file that stays on the host, and only its path is rendered.
// It never installs an agent itself; a missing one fails the start script
// with a message that says how to install it.
import os from 'node:os';
import path from 'node:path';
import { agentapiModule, base64encode, type TemplateContext, type TemplateMetadata, type WorkspaceSpec } from 'taskyard/templates';

export type CodingAgent = 'claude' | 'codex' | 'aider' | 'goose';

interface AgentProfile {
  display_name: string;
  /** AgentAPI's --type: how the agent's screen is cut into messages. */
  type: string;
  /** The program and arguments AgentAPI runs. */
  command: string[];
  /** What the env file usually needs to hold. */
  needs: string;
  install: string;
}

/** Facts about each agent's CLI; `command` can be overridden per template. */
export const CODING_AGENTS: Readonly<Record<CodingAgent, AgentProfile>> = {
  claude: {
    display_name: 'Claude Code',
    type: 'claude',
    command: ['claude', '--dangerously-skip-permissions'],
    needs: 'ANTHROPIC_API_KEY',
    install: 'npm install -g @anthropic-ai/claude-code',
  },
  codex: { display_name: 'Codex', type: 'codex', command: ['codex'], needs: 'OPENAI_API_KEY', install: 'npm install -g @openai/codex' },
  aider: { display_name: 'Aider', type: 'aider', command: ['aider'], needs: 'an API key of your model provider, e.g. ANTHROPIC_API_KEY', install: 'python -m pip install aider-install && aider-install' },
  goose: { display_name: 'Goose', type: 'goose', command: ['goose'], needs: 'GOOSE_PROVIDER, GOOSE_MODEL and the provider key', install: 'see https://block.github.io/goose/docs/getting-started/installation' },
};

export interface CodingAgentOptions {
  agent: CodingAgent;
  /** Replaces the agent's default program and arguments. */
  command?: string[];
  /**
   * KEY=value lines (API keys) sourced by the start script when the file
   * exists. Default `~/.config/taskyard/agent.env` of the user running the
   * server, resolved when the template renders (workspaces have their own HOME).
   */
  env_file?: string;
}

export interface CodingAgentTemplate {
  metadata: TemplateMetadata;
  render(ctx: TemplateContext): WorkspaceSpec;
}

/** Shell-quotes one word for a bash script ('…' with embedded quotes escaped). */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export function defaultAgentEnvFile(): string {
  return path.join(os.homedir(), '.config', 'taskyard', 'agent.env');
}

/** Sources the env file when it exists (it may also extend PATH). */
function envFileLines(envFile: string): string[] {
  return [`ENV_FILE=${shellWord(envFile)}`, 'if [[ -f $ENV_FILE ]]; then set -a; source "$ENV_FILE"; set +a; fi'];
}

/**
 * The module's install step: fails fast, with the install hint, when the
 * agent is not on PATH (the start step would only time out waiting for it).
 */
export function codingAgentInstallScript(profile: AgentProfile, program: string, envFile: string): string {
  return `${[
    '#!/bin/bash',
    'set -euo pipefail',
    ...envFileLines(envFile),
    `if ! command -v ${shellWord(program)} >/dev/null 2>&1; then`,
    `  echo ${shellWord(`${profile.display_name} (${program}) is not on PATH; install it: ${profile.install}`)} >&2`,
    '  exit 1',
    'fi',
  ].join('\n')}\n`;
}

/** AgentAPI's start script for `profile`: the env file, then the prompt decoded from base64. */
export function codingAgentStartScript(profile: AgentProfile, command: readonly string[], port: number, envFile: string, prompt: string | undefined): string {
  const lines = ['#!/bin/bash', 'set -euo pipefail', ...envFileLines(envFile)];
  if (prompt !== undefined) {
    lines.push(`AGENTAPI_INITIAL_PROMPT="$(printf '%s' '${base64encode(prompt)}' | base64 -d)"`, 'export AGENTAPI_INITIAL_PROMPT');
  }
  lines.push(`exec agentapi server --type ${profile.type} --host 127.0.0.1 --port ${port} -- ${command.map(shellWord).join(' ')}`);
  return `${lines.join('\n')}\n`;
}

export function codingAgentTemplate(options: CodingAgentOptions): CodingAgentTemplate {
  const profile = CODING_AGENTS[options.agent];
  if (!profile) throw new Error(`unknown coding agent ${JSON.stringify(options.agent)}; use one of ${Object.keys(CODING_AGENTS).join(', ')}`);
  const command = options.command ?? profile.command;
  if (command.length === 0 || command[0] === '') throw new Error('command must name a program');
  return {
    metadata: {
      display_name: profile.display_name,
      description: `${profile.display_name} behind AgentAPI. Needs ${profile.needs} in the agent env file.`,
    },
    render(ctx: TemplateContext): WorkspaceSpec {
      const port = ctx.ports.agentapi;
      if (port === undefined) throw new Error('a coding agent template needs ctx.ports.agentapi');
      const envFile = options.env_file ?? defaultAgentEnvFile();
      const agentapi = agentapiModule(ctx, {
        web_app_slug: options.agent,
        web_app_display_name: profile.display_name,
        folder: ctx.home_dir,
        module_dir_name: `.${options.agent}-module`,
        install_script: codingAgentInstallScript(profile, command[0]!, envFile),
        start_script: codingAgentStartScript(profile, command, port, envFile, ctx.task?.prompt),
      });
      return { directory: ctx.home_dir, scripts: agentapi.scripts, apps: agentapi.apps };
    },
  };
}
