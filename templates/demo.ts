// The built-in `demo` template (server.md §4.3): a "Prepare workspace" script
// and the agentapi module running AgentAPI with the echo demo agent, the task
// prompt as its initial prompt. It needs no network and no API key; it must
// never embed the prompt in a script except base64-encoded, and imports only
// `taskyard/templates` (no relative paths), so a stored copy of an older
// version still loads from anywhere.
import { agentapiModule, base64encode, type TemplateContext, type TemplateMetadata, type WorkspaceSpec } from 'taskyard/templates';

export const metadata: TemplateMetadata = {
  display_name: 'Demo',
  description: 'AgentAPI with an echo agent: no network access or API key needed.',
  icon: '/icon/coder.svg',
};

const PREPARE_SCRIPT = `#!/bin/bash
set -euo pipefail
echo "Preparing workspace"
sleep 1
echo "Workspace ready"
`;

/** AgentAPI's start script: the demo agent on loopback, the prompt decoded from base64. */
function startScript(port: number, prompt: string | undefined): string {
  const lines = ['#!/bin/bash', 'set -euo pipefail'];
  if (prompt !== undefined) {
    lines.push(`AGENTAPI_INITIAL_PROMPT="$(printf '%s' '${base64encode(prompt)}' | base64 -d)"`, 'export AGENTAPI_INITIAL_PROMPT');
  }
  lines.push(`exec agentapi server --host 127.0.0.1 --port ${port} -- agentapi demo-agent --echo --think-ms 1000`);
  return `${lines.join('\n')}\n`;
}

export default function demo(ctx: TemplateContext): WorkspaceSpec {
  const port = ctx.ports.agentapi;
  if (port === undefined) throw new Error('the demo template needs ctx.ports.agentapi');
  const agentapi = agentapiModule(ctx, {
    web_app_slug: 'demo',
    web_app_display_name: 'Demo agent',
    web_app_icon: '/icon/coder.svg',
    folder: ctx.home_dir,
    module_dir_name: '.agentapi-module',
    start_script: startScript(port, ctx.task?.prompt),
    start_depends_on: ['coder_script.prepare'],
  });
  return {
    directory: ctx.home_dir,
    scripts: [
      { display_name: 'Prepare workspace', resource_address: 'coder_script.prepare', script: PREPARE_SCRIPT, run_on_start: true },
      ...agentapi.scripts,
    ],
    apps: agentapi.apps,
  };
}
