// The chat page's stylesheet, inlined into the HTML (§3.11.1: no external
// network). It must never reference a URL: no web fonts, no url(), no
// @import; colours come from system fonts and CSS variables only, with a
// dark variant chosen by `prefers-color-scheme`.
export const CHAT_STYLES = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --panel: #ffffff; --text: #1c2024; --muted: #68707a; --border: #dde1e6;
  --accent: #2f6fed; --accent-text: #ffffff; --user-bg: #2f6fed; --user-text: #ffffff;
  --agent-bg: #ffffff; --code-bg: #f0f2f5; --focus: #2f6fed66;
  --ok: #1f9d55; --busy: #d98a00; --bad: #d64545; --idle: #8a939c;
  --danger: #c93c3c; --warning: #b7791f;
  --radius: 10px; --shadow: 0 1px 2px #0000000f, 0 1px 6px #0000000a;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 15px; line-height: 1.45;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1115; --panel: #171a20; --text: #e6e8eb; --muted: #9aa3ad; --border: #2a2f37;
    --accent: #5b8cff; --user-bg: #3867d6; --agent-bg: #171a20; --code-bg: #1d2129; --focus: #5b8cff66;
    --shadow: 0 1px 2px #00000066;
  }
}
* { box-sizing: border-box; }
html, body { height: 100%; }
body { margin: 0; background: var(--bg); color: var(--text); }
[hidden] { display: none !important; }
.visually-hidden {
  position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
.app { height: 100%; display: flex; flex-direction: column; max-width: 980px; margin: 0 auto; }
.embed .app { max-width: none; }

.app-header { display: flex; align-items: center; gap: .75rem; padding: .9rem 1.25rem .4rem; }
.app-header h1 { margin: 0; font-size: 1.1rem; font-weight: 650; letter-spacing: -.01em; }

.statusbar {
  display: flex; align-items: center; gap: .6rem; padding: .55rem 1.25rem;
  border-bottom: 1px solid var(--border); font-size: .85rem; color: var(--muted);
}
.status {
  display: inline-flex; align-items: center; gap: .4rem; padding: .15rem .6rem .15rem .5rem;
  border-radius: 999px; background: var(--panel); border: 1px solid var(--border);
  color: var(--text); font-weight: 550;
}
.status .dot { width: .55rem; height: .55rem; border-radius: 50%; background: var(--idle); }
.status[data-status="stable"] .dot { background: var(--ok); }
.status[data-status="running"] .dot { background: var(--busy); animation: pulse 1s ease-in-out infinite; }
.status[data-status="offline"] .dot { background: var(--bad); }
@keyframes pulse { 50% { opacity: .35; } }
@media (prefers-reduced-motion: reduce) { .status .dot { animation: none !important; } }
.agent-type { font-family: var(--mono); font-size: .8rem; }
.spacer { flex: 1; }
.statusbar a { color: var(--muted); text-decoration: none; }
.statusbar a:hover { color: var(--accent); }

.switch { display: inline-flex; align-items: center; gap: .45rem; cursor: pointer; user-select: none; color: var(--text); }
.switch input { appearance: none; margin: 0; width: 2rem; height: 1.15rem; border-radius: 999px;
  background: var(--border); position: relative; cursor: pointer; transition: background .15s; }
.switch input::after { content: ""; position: absolute; top: .15rem; left: .15rem; width: .85rem; height: .85rem;
  border-radius: 50%; background: #fff; box-shadow: var(--shadow); transition: transform .15s; }
.switch input:checked { background: var(--accent); }
.switch input:checked::after { transform: translateX(.85rem); }

.messages { flex: 1; overflow-y: auto; padding: 1.25rem; display: flex; flex-direction: column; gap: .9rem; }
.messages:focus-visible { outline: 2px solid var(--focus); outline-offset: -2px; }
.empty { margin: auto; color: var(--muted); }
.msg { display: flex; flex-direction: column; gap: .2rem; max-width: 100%; }
.msg .who { font-size: .75rem; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .04em; }
.msg .body { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
.msg.agent .body {
  font-family: var(--mono); font-size: .85rem; line-height: 1.5; background: var(--agent-bg);
  border: 1px solid var(--border); border-radius: var(--radius); padding: .7rem .9rem; box-shadow: var(--shadow);
}
.msg.user { align-self: flex-end; align-items: flex-end; max-width: min(80%, 42rem); }
.msg.user .body { background: var(--user-bg); color: var(--user-text); border-radius: var(--radius) var(--radius) 4px var(--radius);
  padding: .55rem .85rem; }

.composer { border-top: 1px solid var(--border); padding: .75rem 1.25rem 1rem; display: flex; flex-direction: column; gap: .5rem; background: var(--bg); }
.field { display: flex; }
.composer textarea {
  flex: 1; min-height: 2.75rem; max-height: 15rem; resize: none; padding: .6rem .8rem; font: inherit; color: var(--text);
  background: var(--panel); border: 1px solid var(--border); border-radius: var(--radius); box-shadow: var(--shadow);
}
.composer textarea:focus { outline: none; border-color: var(--accent); box-shadow: 0 0 0 3px var(--focus); }
.composer textarea:disabled { opacity: .6; cursor: not-allowed; }
.composer.control #control-input { font-family: var(--mono); font-size: .85rem; background: var(--code-bg); caret-color: var(--accent); }
.composer:not(.control) .control-keys { display: none; }
.control-keys { font-family: var(--mono); font-size: .8rem; color: var(--muted); min-height: 1.2em; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.actions { display: flex; align-items: center; gap: .5rem; }
.hint { flex: 1; font-size: .8rem; color: var(--muted); }
.uploads { display: flex; flex-wrap: wrap; gap: .4rem; }
.uploads:empty { display: none; }
.chip { font-size: .8rem; padding: .15rem .6rem; border-radius: 999px; background: var(--code-bg); border: 1px solid var(--border); color: var(--muted); }

.btn {
  font: inherit; font-size: .875rem; font-weight: 550; padding: .42rem .95rem; border-radius: 8px; cursor: pointer;
  border: 1px solid var(--border); background: var(--panel); color: var(--text);
}
.btn:hover:not(:disabled) { border-color: var(--muted); }
.btn:focus-visible { outline: none; box-shadow: 0 0 0 3px var(--focus); }
.btn:disabled { opacity: .5; cursor: not-allowed; }
.btn.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); }
.btn.danger { background: var(--danger); border-color: var(--danger); color: #fff; }

.toasts { position: fixed; top: .75rem; right: .75rem; z-index: 10; display: flex; flex-direction: column; gap: .5rem; width: min(26rem, calc(100vw - 1.5rem)); }
.toast {
  display: flex; gap: .6rem; align-items: flex-start; padding: .65rem .75rem .65rem .9rem; border-radius: var(--radius);
  background: var(--panel); color: var(--text); border: 1px solid var(--border); border-left: 4px solid var(--danger);
  box-shadow: 0 4px 16px #0000002a; font-size: .875rem;
}
.toast.warning { border-left-color: var(--warning); }
.toast.info { border-left-color: var(--accent); }
.toast .content { flex: 1; min-width: 0; overflow-wrap: anywhere; }
.toast .title { font-weight: 650; display: block; }
.toast .detail { margin: .15rem 0 0; color: var(--muted); }
.toast ul { margin: .3rem 0 0; padding-left: 1.1rem; }
.toast .close { border: 0; background: none; color: var(--muted); font-size: 1.1rem; line-height: 1; cursor: pointer; padding: .1rem .25rem; border-radius: 4px; }
.toast .close:hover { color: var(--text); }
.toast .close:focus-visible { outline: 2px solid var(--focus); }

.drop-overlay {
  position: fixed; inset: .5rem; z-index: 20; display: flex; align-items: center; justify-content: center;
  border: 2px dashed var(--accent); border-radius: 14px; background: color-mix(in srgb, var(--bg) 85%, transparent);
  font-size: 1.1rem; font-weight: 600; color: var(--accent); pointer-events: none;
}
`;
