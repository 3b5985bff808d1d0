// The self-contained chat page served at /chat/ and /chat/embed (§3.11): the
// markup, with the stylesheet and browser script inlined. Every URL it holds
// is derived from --chat-base-path (§3.11.2), so the page keeps working behind
// a proxy that mounts it elsewhere. It must never reference external
// resources (no CDN, fonts or images from the network).
import { CHAT_CLIENT_SCRIPT } from './client-script.js';
import { CHAT_STYLES } from './styles.js';

export interface ChatPageOptions {
  /** The --chat-base-path value, e.g. `/chat` or `/proxy/agent/chat/`. */
  chatBasePath: string;
  /** `/chat/embed`: no page header, for iframes. */
  embed: boolean;
  /**
   * The default `<api>` when it is not the parent of the chat base path: a
   * host that serves this page next to a proxied AgentAPI (the taskyard
   * dashboard) names the proxy here. `?url=` still wins (§3.11.1).
   */
  apiBase?: string;
}

/** The config the browser script reads from `window.CHAT_CONFIG`. */
export interface ChatConfig {
  /** --chat-base-path without trailing slashes: the prefix of every chat URL. */
  basePath: string;
  /** The default `<api>`: the parent of the chat base path. */
  apiBase: string;
  embed: boolean;
}

/** --chat-base-path without its trailing slashes (`/` becomes ``). */
export function trimChatBasePath(chatBasePath: string): string {
  return chatBasePath.replace(/\/+$/, '');
}

/** The API root the page talks to: the parent of the chat base path (`/chat` → ``). */
export function chatApiBase(chatBasePath: string): string {
  const trimmed = trimChatBasePath(chatBasePath);
  return trimmed.slice(0, Math.max(0, trimmed.lastIndexOf('/')));
}

export function chatConfig(options: ChatPageOptions): ChatConfig {
  return {
    basePath: trimChatBasePath(options.chatBasePath),
    apiBase: options.apiBase === undefined ? chatApiBase(options.chatBasePath) : trimChatBasePath(options.apiBase),
    embed: options.embed,
  };
}

/** JSON safe to inline in a <script> element (no `</script>`, no U+2028). */
function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => {
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function renderTop(config: ChatConfig): string {
  const openFull = `<a id="full-link" href="${escapeAttribute(`${config.basePath}/`)}" target="_blank" rel="noopener">Open full chat \u2197</a>`;
  const controlSwitch =
    '<label class="switch" title="Send every key press straight to the agent">' +
    '<input id="control-mode" type="checkbox" role="switch"><span>Control mode</span></label>';
  const header = config.embed ? '' : '<header class="app-header"><h1>AgentAPI chat</h1></header>\n';
  return `${header}<div class="statusbar">
<span id="status" class="status" data-status="unknown" role="status" aria-live="polite" aria-atomic="true"><span class="dot" aria-hidden="true"></span><span class="visually-hidden">Agent status: </span><span id="status-text">unknown</span></span>
<span id="agent-type" class="agent-type"></span>
<span class="spacer"></span>
${controlSwitch}
${config.embed ? openFull : ''}
</div>`;
}

const CONVERSATION = `<div id="messages" class="messages" role="log" aria-live="polite" aria-label="Conversation" tabindex="0">
<p id="empty" class="empty">No messages yet.</p>
</div>`;

const COMPOSER = `<form id="composer" class="composer" autocomplete="off">
<div id="uploads" class="uploads" aria-live="polite"></div>
<div id="text-field" class="field">
<label for="draft" class="visually-hidden">Message to the agent</label>
<textarea id="draft" rows="1" placeholder="Message the agent\u2026" aria-describedby="hint" disabled></textarea>
</div>
<div id="control-field" class="field" hidden>
<label for="control-input" class="visually-hidden">Control mode: each key press is sent to the agent</label>
<textarea id="control-input" rows="1" placeholder="Control mode: every key you press here goes straight to the agent (arrows, Esc, Tab, Ctrl+letter\u2026)" aria-describedby="hint"></textarea>
</div>
<div id="control-keys" class="control-keys" aria-hidden="true"></div>
<div class="actions">
<input id="file" type="file" multiple class="visually-hidden" tabindex="-1" aria-hidden="true">
<button id="attach" type="button" class="btn">Attach file</button>
<span id="hint" class="hint"></span>
<button id="interrupt" type="button" class="btn danger" title="Send Esc to the agent" hidden>Interrupt</button>
<button id="send" type="submit" class="btn primary" disabled>Send</button>
</div>
</form>`;

export function renderChatPage(options: ChatPageOptions): string {
  const config = chatConfig(options);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AgentAPI chat</title>
<link rel="icon" href="data:,">
<style>${CHAT_STYLES}</style>
</head>
<body class="${options.embed ? 'embed' : 'full'}">
<div class="app">
${renderTop(config)}
${CONVERSATION}
${COMPOSER}
</div>
<div id="toasts" class="toasts" role="region" aria-label="Notifications" aria-live="assertive" aria-relevant="additions"></div>
<div id="drop-overlay" class="drop-overlay" hidden>Drop files to attach them</div>
<script>window.CHAT_CONFIG = ${inlineJson(config)};</script>
<script>${CHAT_CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
