// The minimal, self-contained chat page served at /chat/ and /chat/embed
// (§3.11). Every URL it needs is derived from --chat-base-path, so the page
// keeps working behind a proxy that mounts it elsewhere. It must never
// reference external resources (no CDN, fonts or images from the network).
import { CHAT_CLIENT_SCRIPT } from './client-script.js';

export interface ChatPageOptions {
  /** The --chat-base-path value, e.g. `/chat` or `/proxy/agent/chat/`. */
  chatBasePath: string;
  /** `/chat/embed`: no page header, for iframes. */
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

/** JSON safe to inline in a <script> element (no `</script>`, no U+2028). */
function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => {
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

const STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0; height: 100vh; display: flex; flex-direction: column; }
  header { display: flex; gap: .75rem; align-items: center; padding: .5rem 1rem; border-bottom: 1px solid #8884; }
  header h1 { font-size: 1rem; margin: 0; flex: 1; }
  .bar { display: flex; gap: .5rem; align-items: center; padding: .25rem 1rem; }
  .status { font-size: .8rem; padding: .1rem .5rem; border-radius: 1rem; background: #8883; }
  .status.stable { background: #2a73; } .status.running { background: #e903; } .status.offline { background: #d333; }
  #messages { flex: 1; overflow-y: auto; padding: 1rem; display: flex; flex-direction: column; gap: .75rem; }
  .msg { max-width: 100%; padding: .5rem .75rem; border-radius: .5rem; white-space: pre-wrap; overflow-wrap: anywhere; }
  .msg.user { align-self: flex-end; background: #36c3; }
  .msg.agent { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85rem; background: #8882; }
  form { display: flex; gap: .5rem; padding: .75rem 1rem; border-top: 1px solid #8884; }
  textarea { flex: 1; min-height: 3rem; resize: vertical; font: inherit; }
  #toasts { position: fixed; top: .5rem; right: .5rem; display: flex; flex-direction: column; gap: .5rem; }
  .toast { padding: .5rem .75rem; border-radius: .5rem; background: #d33; color: #fff; display: flex; gap: .5rem; }
  .toast.warning { background: #b80; }
  .toast button { background: none; border: 0; color: inherit; cursor: pointer; }
`;

export function renderChatPage(options: ChatPageOptions): string {
  const config = {
    basePath: trimChatBasePath(options.chatBasePath),
    apiBase: chatApiBase(options.chatBasePath),
    embed: options.embed,
  };
  const header = options.embed ? '' : '<header><h1>AgentAPI chat</h1></header>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AgentAPI chat</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
${header}
<div class="bar"><span id="status" class="status unknown">unknown</span>
<button id="interrupt" type="button" hidden>Interrupt</button></div>
<main id="messages" aria-live="polite"></main>
<form onsubmit="return false">
<textarea id="draft" placeholder="Message the agent (Enter sends, Shift+Enter for a new line)" disabled></textarea>
<label>Attach <input id="file" type="file" hidden></label>
<button id="send" type="button" disabled>Send</button>
</form>
<div id="toasts"></div>
<script>window.CHAT_CONFIG = ${inlineJson(config)};</script>
<script>${CHAT_CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
