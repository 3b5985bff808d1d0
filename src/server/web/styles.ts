// The dashboard's stylesheet, served as /assets/dashboard.css. It must never
// reference a URL (no web fonts, url() or @import: §8.1 allows no external
// resources); system fonts and CSS variables only, with a dark variant by
// `prefers-color-scheme`. The palette matches the AgentAPI chat page, which
// the task page embeds.
export const DASHBOARD_STYLES = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --panel: #ffffff; --text: #1c2024; --muted: #68707a; --border: #dde1e6;
  --accent: #2f6fed; --accent-text: #ffffff; --focus: #2f6fed66; --code-bg: #f0f2f5;
  --ok: #1f9d55; --busy: #d98a00; --bad: #d64545; --idle: #8a939c; --paused: #6b63d6;
  --radius: 10px; --shadow: 0 1px 2px #0000000f, 0 1px 6px #0000000a;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 15px; line-height: 1.45;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1115; --panel: #171a20; --text: #e6e8eb; --muted: #9aa3ad; --border: #2a2f37;
    --accent: #5b8cff; --focus: #5b8cff66; --code-bg: #1d2129; --shadow: 0 1px 2px #00000066;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
[hidden] { display: none !important; }
a { color: var(--accent); }
code { font-family: var(--mono); font-size: .85em; background: var(--code-bg); padding: 0 .25rem; border-radius: 4px; }
.visually-hidden {
  position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
.muted { color: var(--muted); }
.spacer { flex: 1; }

.topbar { display: flex; align-items: center; gap: 1rem; padding: .6rem 1.5rem; background: var(--panel); border-bottom: 1px solid var(--border); }
.brand { font-weight: 700; letter-spacing: -.01em; color: var(--text); text-decoration: none; font-size: 1.05rem; }
.nav a { color: var(--muted); text-decoration: none; font-weight: 550; }
.nav a:hover { color: var(--accent); }
.who { color: var(--muted); font-size: .875rem; }
.signout { margin: 0; }

.page { max-width: 1180px; margin: 0 auto; padding: 1.25rem 1.5rem 3rem; display: flex; flex-direction: column; gap: 1rem; }
.page.narrow { max-width: 34rem; }
h1 { margin: .25rem 0 0; font-size: 1.45rem; letter-spacing: -.015em; }
h2 { margin: 0 0 .75rem; font-size: 1.05rem; }
h3 { margin: 1.1rem 0 .4rem; font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
.card { background: var(--panel); border: 1px solid var(--border); border-radius: var(--radius); box-shadow: var(--shadow); padding: 1rem 1.25rem; min-width: 0; }
.section-head { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; }

.form { display: flex; flex-direction: column; gap: .45rem; }
.grid-form { display: grid; grid-template-columns: max-content 1fr; gap: .6rem 1rem; align-items: center; }
.grid-form label { font-weight: 550; }
.grid-form .span { grid-column: 1 / -1; }
.form label { font-weight: 550; font-size: .9rem; }
input, select, textarea {
  font: inherit; color: var(--text); background: var(--panel); border: 1px solid var(--border);
  border-radius: 8px; padding: .45rem .65rem; min-width: 0;
}
textarea { resize: vertical; }
input:focus, select:focus, textarea:focus { outline: none; border-color: var(--accent); box-shadow: 0 0 0 3px var(--focus); }
.hint { margin: 0; font-size: .8rem; color: var(--muted); }
.actions { display: flex; gap: .5rem; justify-content: flex-end; }

.btn {
  font: inherit; font-size: .875rem; font-weight: 550; padding: .42rem .95rem; border-radius: 8px; cursor: pointer;
  border: 1px solid var(--border); background: var(--panel); color: var(--text);
}
.btn:hover:not(:disabled) { border-color: var(--muted); }
.btn:focus-visible, .link:focus-visible { outline: none; box-shadow: 0 0 0 3px var(--focus); }
.btn:disabled { opacity: .5; cursor: not-allowed; }
.btn.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); }
.link { font: inherit; font-size: .875rem; background: none; border: 0; padding: 0; color: var(--accent); cursor: pointer; text-decoration: underline; }

.error {
  margin: 0; padding: .6rem .8rem; border-radius: 8px; border: 1px solid var(--bad); border-left-width: 4px;
  background: color-mix(in srgb, var(--bad) 8%, var(--panel)); overflow-wrap: anywhere;
}
.error .detail { margin: .15rem 0 0; color: var(--muted); }
.error ul { margin: .3rem 0 0; padding-left: 1.1rem; }
.note { margin: 0; color: var(--muted); font-size: .9rem; }
.note:empty { display: none; }
.empty { color: var(--muted); margin: .75rem 0 0; }

.table { width: 100%; border-collapse: collapse; font-size: .9rem; }
.table th { text-align: left; font-weight: 600; color: var(--muted); font-size: .78rem; text-transform: uppercase; letter-spacing: .04em; }
.table th, .table td { padding: .45rem .5rem; border-bottom: 1px solid var(--border); vertical-align: top; }
.table tbody tr:last-child td { border-bottom: 0; }
.table.compact { font-size: .82rem; }
.table.compact th, .table.compact td { padding: .3rem .35rem; }
.table .sub { display: block; color: var(--muted); font-family: var(--mono); font-size: .75rem; overflow-wrap: break-word; }
.table .mono { font-family: var(--mono); font-size: .78rem; overflow-wrap: break-word; }
.table .num { font-variant-numeric: tabular-nums; }
.state-msg { color: var(--muted); }

.badge {
  display: inline-flex; align-items: center; gap: .35rem; padding: .1rem .6rem; border-radius: 999px; font-size: .8rem;
  font-weight: 600; border: 1px solid var(--border); background: var(--panel); white-space: nowrap;
}
.badge::before { content: ""; width: .5rem; height: .5rem; border-radius: 50%; background: var(--idle); }
.badge[data-status="active"]::before, .badge[data-status="completed"]::before, .badge[data-status="ready"]::before,
.badge[data-status="connected"]::before, .badge[data-status="ok"]::before, .badge[data-status="healthy"]::before,
.badge[data-status="idle"]::before, .badge[data-status="complete"]::before { background: var(--ok); }
.badge[data-status="pending"]::before, .badge[data-status="initializing"]::before, .badge[data-status="started"]::before,
.badge[data-status="starting"]::before, .badge[data-status="working"]::before { background: var(--busy); }
.badge[data-status="error"]::before, .badge[data-status="failed"]::before, .badge[data-status="disconnected"]::before,
.badge[data-status="start_error"]::before, .badge[data-status="unhealthy"]::before, .badge[data-status="timed_out"]::before, .badge[data-status="exit_failure"]::before { background: var(--bad); }
.badge[data-status="paused"]::before { background: var(--paused); }

.crumbs { font-size: .875rem; color: var(--muted); }
.crumbs a { color: var(--muted); }
.task-head { display: flex; align-items: center; gap: .75rem; flex-wrap: wrap; }
.task-head h1 { margin: 0; }
.task-head .badge { font-size: .9rem; }
.state { margin: 0; display: flex; align-items: center; gap: .5rem; flex-wrap: wrap; color: var(--muted); }
.state:empty { display: none; }
.task-grid { display: grid; grid-template-columns: minmax(0, 1fr) 30rem; gap: 1rem; align-items: start; }
@media (max-width: 900px) { .task-grid { grid-template-columns: minmax(0, 1fr); } }
.conversation { display: flex; flex-direction: column; gap: .6rem; }
.chat iframe { width: 100%; height: 64vh; min-height: 24rem; border: 1px solid var(--border); border-radius: 8px; background: var(--bg); display: block; }
.snapshot { display: flex; flex-direction: column; gap: .6rem; }
.messages { display: flex; flex-direction: column; gap: .8rem; max-height: 64vh; overflow-y: auto; padding: .75rem;
  border: 1px dashed var(--border); border-radius: 8px; background: var(--bg); }
.msg { display: flex; flex-direction: column; gap: .2rem; }
.msg .who { font-size: .72rem; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .04em; }
.msg .body { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
.msg.agent .body { font-family: var(--mono); font-size: .85rem; background: var(--panel); border: 1px solid var(--border); border-radius: 8px; padding: .6rem .8rem; }
.msg.user { align-self: flex-end; align-items: flex-end; max-width: 80%; }
.msg.user .body { background: var(--accent); color: var(--accent-text); border-radius: 8px 8px 3px 8px; padding: .5rem .8rem; }

.summary { display: grid; grid-template-columns: max-content 1fr; gap: .3rem .9rem; margin: 0; font-size: .88rem; }
.summary dt { color: var(--muted); }
.summary dd { margin: 0; overflow-wrap: anywhere; }
details summary { cursor: pointer; margin-top: 1rem; font-weight: 600; font-size: .9rem; }
.log { font-family: var(--mono); font-size: .75rem; background: var(--code-bg); border-radius: 8px; padding: .6rem; max-height: 20rem; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; margin: .5rem 0 0; }
`;
