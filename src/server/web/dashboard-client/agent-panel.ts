// Browser-script part: the task page's agent panel (server.md §8.3): the
// agent's lifecycle, connection and apps, its sync units, its scripts with
// status and timings (the agent's start build's timings cover the start,
// stop and cron stages) and its logs, read incrementally with `after`. It
// polls while the page is open and starts over when the task's agent
// changes (a resume builds a new one). It only reads; no request it sends
// changes anything.
export const AGENT_PANEL_SCRIPT = String.raw`
var AGENT_POLL_MS = 4000;

function cell(text, className) { return el('td', className || '', text); }

function summaryRow(list, term, value) {
  list.appendChild(el('dt', '', term));
  var dd = el('dd');
  if (typeof value === 'string') dd.textContent = value; else dd.appendChild(value);
  list.appendChild(dd);
}

function renderAgentSummary(list, agent) {
  list.textContent = '';
  summaryRow(list, 'Agent', agent.name);
  summaryRow(list, 'Lifecycle', badge(agent.lifecycle_state));
  summaryRow(list, 'Connection', badge(agent.status));
  agent.apps.forEach(function (app) {
    summaryRow(list, 'App ' + (app.display_name || app.slug), badge(app.health));
  });
}

function renderUnits(tbody, view) {
  tbody.textContent = '';
  view.units.forEach(function (unit) {
    var tr = el('tr');
    tr.dataset.unit = unit.unit;
    var name = el('td');
    name.appendChild(dottedName('mono', unit.unit));
    tr.appendChild(name);
    var status = el('td');
    status.dataset.col = 'status';
    status.appendChild(badge(unit.status || 'none', unit.status || '\u2014'));
    tr.appendChild(status);
    tr.appendChild(cell(unit.is_ready ? 'yes' : 'no'));
    tbody.appendChild(tr);
  });
  if (view.units.length === 0) {
    var empty = el('tr');
    var td = cell('No units reported yet.', 'muted');
    td.colSpan = 3;
    empty.appendChild(td);
    tbody.appendChild(empty);
  }
}

function scriptNameCell(script, fallbackName) {
  var td = el('td');
  td.appendChild(document.createTextNode(script ? script.display_name : fallbackName));
  if (script) td.appendChild(dottedName('sub', script.resource_address));
  return td;
}

// One row per timing, then the scripts that have none yet ("not run").
function renderScripts(tbody, agent, timings) {
  tbody.textContent = '';
  var scriptsById = {};
  agent.scripts.forEach(function (s) { scriptsById[s.id] = s; });
  var timed = {};
  timings.forEach(function (t) {
    timed[t.script_id] = true;
    var tr = el('tr');
    tr.dataset.script = scriptsById[t.script_id] ? scriptsById[t.script_id].resource_address : t.display_name;
    tr.dataset.stage = t.stage;
    tr.appendChild(scriptNameCell(scriptsById[t.script_id], t.display_name));
    tr.appendChild(cell(t.stage));
    var status = el('td');
    status.dataset.col = 'status';
    status.appendChild(badge(t.status));
    tr.appendChild(status);
    tr.appendChild(cell(String(t.exit_code), 'num'));
    var duration = cell(formatDuration(new Date(t.ended_at).getTime() - new Date(t.started_at).getTime()), 'num');
    duration.title = 'Started ' + formatTime(t.started_at) + ', ended ' + formatTime(t.ended_at);
    tr.appendChild(duration);
    tbody.appendChild(tr);
  });
  agent.scripts.forEach(function (s) {
    if (timed[s.id]) return;
    var when = [s.run_on_start ? 'start' : '', s.run_on_stop ? 'stop' : '', s.cron ? 'cron ' + s.cron : ''].filter(Boolean).join(', ');
    var tr = el('tr');
    tr.dataset.script = s.resource_address;
    tr.appendChild(scriptNameCell(s, s.display_name));
    tr.appendChild(cell(when || '\u2014'));
    var status = el('td');
    status.dataset.col = 'status';
    status.appendChild(badge('not_run', 'not run'));
    tr.appendChild(status);
    tr.appendChild(cell(''));
    tr.appendChild(cell(''));
    tbody.appendChild(tr);
  });
}

function createAgentPanel(nodes) {
  var agentId = null;
  var generation = 0;
  var timer = null;
  var loading = false;
  var again = false;
  var lastLogId = 0;

  function appendLogs(agent, lines) {
    if (lines.length === 0) return;
    var sources = {};
    agent.log_sources.forEach(function (s) { sources[s.id] = s.display_name; });
    var text = lines.map(function (l) {
      return new Date(l.created_at).toLocaleTimeString() + ' [' + (sources[l.source_id] || 'agent') + '] ' + l.output;
    }).join('\n');
    nodes.logLines.textContent += (nodes.logLines.textContent ? '\n' : '') + text;
    lastLogId = lines[lines.length - 1].id;
  }

  function load() {
    var gen = generation;
    var base = '/api/v2/workspaceagents/' + seg(agentId);
    loading = true;
    Promise.all([api('GET', base), api('GET', base + '/units')]).then(function (first) {
      if (gen !== generation) return;
      var agent = first[0];
      renderAgentSummary(nodes.summary, agent);
      renderUnits(nodes.units, first[1]);
      return Promise.all([
        api('GET', '/api/v2/workspacebuilds/' + seg(agent.build_id) + '/timings'),
        api('GET', base + '/logs?after=' + lastLogId)
      ]).then(function (second) {
        if (gen !== generation) return;
        renderScripts(nodes.scripts, agent, second[0].agent_script_timings);
        appendLogs(agent, second[1]);
      });
    }).then(function () {
      if (gen === generation) hideError(nodes.error);
    }, function (err) {
      if (gen === generation) showError(nodes.error, err);
    }).then(function () {
      loading = false;
      if (gen !== generation || agentId === null) return;
      if (again) { again = false; load(); return; }
      timer = setTimeout(function () { timer = null; load(); }, AGENT_POLL_MS);
    });
  }

  // Read again now (a task update may mean the agent changed state).
  function refresh() {
    if (agentId === null) return;
    if (loading) { again = true; return; }
    if (timer !== null) clearTimeout(timer);
    timer = null;
    load();
  }

  function show(id) {
    if (id === agentId) { refresh(); return; }
    generation += 1;
    agentId = id;
    again = false;
    loading = false;
    lastLogId = 0;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    nodes.summary.textContent = '';
    nodes.units.textContent = '';
    nodes.scripts.textContent = '';
    nodes.logLines.textContent = '';
    hideError(nodes.error);
    nodes.noAgent.hidden = id !== null;
    if (id !== null) load();
  }

  return { show: show };
}
`;
