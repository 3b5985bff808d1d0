// Template files the soak writes into its server's --templates-dir. `soakslow`
// is the built-in demo template (same prepare script, same agentapi module
// options, same demo-agent command) with one difference: the module's
// AgentAPI port — the one its start script waits on and its shutdown script
// fetches /messages from — is a small forwarder to the real AgentAPI that
// holds /messages for SLOW_MESSAGES_MS whenever the flag file
// `$HOME/.soak-slow-messages` exists. The task app and its health check still
// talk to AgentAPI directly, so only the shutdown script's fetch is slowed,
// and only while the soak has set the flag. It must never change anything
// else about the demo workspace.

/** How long the forwarder holds /messages while flagged: far beyond the shutdown script's fetch timeout (10 s). */
export const SLOW_MESSAGES_MS = 120_000;
/** The flag file, relative to the workspace home. */
export const SLOW_MESSAGES_FLAG = '.soak-slow-messages';

/** The forwarder (Node, no dependencies): `node slow-messages.mjs <listen port> <agentapi port> <flag file> <delay ms>`. */
const FORWARDER = `import http from 'node:http';
import { existsSync } from 'node:fs';
const [listen, target, flag, delay] = process.argv.slice(2);
http.createServer((req, res) => {
  const forward = () => {
    const up = http.request({ host: '127.0.0.1', port: Number(target), method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    up.on('error', () => { if (!res.headersSent) res.writeHead(502); res.end(); });
    res.on('close', () => { if (!res.writableFinished) up.destroy(); });
    req.pipe(up);
  };
  if ((req.url ?? '').startsWith('/messages') && existsSync(flag)) {
    const timer = setTimeout(forward, Number(delay));
    res.on('close', () => clearTimeout(timer));
  } else {
    forward();
  }
}).listen(Number(listen), '127.0.0.1');
`;

/** The source of the `soakslow` template; `nodePath` runs the forwarder (the soak's own Node). */
export function slowMessagesTemplateSource(nodePath: string): string {
  return `// Soak template: demo + a /messages forwarder in front of the shutdown script's fetch (test/soak/templates.ts).
import { agentapiModule, base64encode, type TemplateContext, type TemplateMetadata, type WorkspaceSpec } from 'taskyard/templates';

export const metadata: TemplateMetadata = {
  display_name: 'Soak: slow /messages',
  description: 'The demo template whose shutdown script fetches /messages through a forwarder the soak can slow down.',
  icon: '/icon/coder.svg',
  ports: ['slowmessages'],
};

const PREPARE_SCRIPT = '#!/bin/bash\\nset -euo pipefail\\necho "Preparing workspace"\\nsleep 1\\necho "Workspace ready"\\n';
const FORWARDER_B64 = ${JSON.stringify(Buffer.from(FORWARDER).toString('base64'))};

function forwarderScript(listen: number, target: number): string {
  return [
    '#!/bin/bash',
    'set -euo pipefail',
    'mkdir -p "$HOME/.soak"',
    \`printf '%s' '\${FORWARDER_B64}' | base64 -d > "$HOME/.soak/slow-messages.mjs"\`,
    \`nohup '${nodePath}' "$HOME/.soak/slow-messages.mjs" \${listen} \${target} "$HOME/${SLOW_MESSAGES_FLAG}" ${SLOW_MESSAGES_MS} </dev/null >>"$HOME/.soak/slow-messages.log" 2>&1 &\`,
    'for _ in $(seq 100); do',
    \`  [[ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:\${listen}/ || true)" != 000 ]] && exit 0\`,
    '  sleep 0.1',
    'done',
    'echo "slow /messages forwarder did not start" >&2',
    'exit 1',
    '',
  ].join('\\n');
}

function startScript(port: number, prompt: string | undefined): string {
  const lines = ['#!/bin/bash', 'set -euo pipefail'];
  if (prompt !== undefined) {
    lines.push(\`AGENTAPI_INITIAL_PROMPT="$(printf '%s' '\${base64encode(prompt)}' | base64 -d)"\`, 'export AGENTAPI_INITIAL_PROMPT');
  }
  lines.push(\`exec agentapi server --host 127.0.0.1 --port \${port} -- agentapi demo-agent --echo --think-ms 1000\`);
  return \`\${lines.join('\\n')}\\n\`;
}

export default function soakslow(ctx: TemplateContext): WorkspaceSpec {
  const port = ctx.ports.agentapi;
  const forwarderPort = ctx.ports.slowmessages;
  if (port === undefined || forwarderPort === undefined) throw new Error('soakslow needs ctx.ports.agentapi and ctx.ports.slowmessages');
  const agentapi = agentapiModule(ctx, {
    web_app_slug: 'demo',
    web_app_display_name: 'Demo agent',
    web_app_icon: '/icon/coder.svg',
    folder: ctx.home_dir,
    module_dir_name: '.agentapi-module',
    agentapi_port: forwarderPort,
    start_script: startScript(port, ctx.task?.prompt),
    start_depends_on: ['coder_script.prepare', 'coder_script.slow_messages'],
  });
  // The task app and its health check reach AgentAPI directly: only the module's scripts go through the forwarder.
  const apps = agentapi.apps.map((app) => ({
    ...app,
    url: \`http://localhost:\${port}/\`,
    healthcheck: app.healthcheck ? { ...app.healthcheck, url: \`http://localhost:\${port}/status\` } : undefined,
  }));
  return {
    directory: ctx.home_dir,
    scripts: [
      { display_name: 'Prepare workspace', resource_address: 'coder_script.prepare', script: PREPARE_SCRIPT, run_on_start: true },
      { display_name: 'Slow /messages forwarder', resource_address: 'coder_script.slow_messages', script: forwarderScript(forwarderPort, port), run_on_start: true },
      ...agentapi.scripts,
    ],
    apps,
  };
}
`;
}
