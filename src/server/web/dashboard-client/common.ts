// Browser-script part shared by every dashboard page: DOM helpers, the JSON
// API client with the API's error shape ({message, detail?, validations?}),
// plain error boxes, time formatting, status badges and the task watch
// stream (SSE `task`, reconnecting). Plain browser JS as text, served inside
// a page's script asset; it must never build a URL outside this origin, and
// text from the server only ever reaches the page through textContent.
export const COMMON_SCRIPT = String.raw`
var RECONNECT_MS = 3000;

function byId(id) { return document.getElementById(id); }

function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function seg(text) { return encodeURIComponent(text); }

function taskPath(task) { return '/tasks/' + seg(task.owner_name) + '/' + seg(task.name); }

function toLogin() {
  window.location.href = '/login?next=' + encodeURIComponent(window.location.pathname + window.location.search);
}

// The API's error body as it is; anything else (a proxy's page, no body) from the status.
function apiError(status, body, text) {
  if (body && typeof body === 'object' && typeof body.message === 'string') {
    return {
      status: status,
      message: body.message,
      detail: body.detail ? String(body.detail) : '',
      validations: Array.isArray(body.validations) ? body.validations : []
    };
  }
  return { status: status, message: 'HTTP ' + status, detail: String(text || '').trim().slice(0, 500), validations: [] };
}

function ApiFailure(error) {
  var err = new Error(error.message);
  err.api = error;
  return err;
}

function api(method, path, body) {
  var init = { method: method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  return window.fetch(path, init).then(function (res) {
    return res.text().then(function (text) {
      var parsed = null;
      try { parsed = text ? JSON.parse(text) : null; } catch (ignored) { parsed = null; }
      // The cookie's token was revoked or expired: sign in again, then come back.
      if (res.status === 401) toLogin();
      if (!res.ok) throw ApiFailure(apiError(res.status, parsed, text));
      return parsed;
    });
  }, function (err) {
    throw ApiFailure({ status: 0, message: 'Network error', detail: 'Could not reach the server: ' + err.message, validations: [] });
  });
}

function errorOf(err) {
  if (err && err.api) return err.api;
  return { status: 0, message: 'Unexpected error', detail: String((err && err.message) || err), validations: [] };
}

// Shows an API error plainly: its message, its detail, one line per validation.
function showError(box, err) {
  var e = errorOf(err);
  box.textContent = '';
  box.appendChild(el('strong', 'message', e.message));
  if (e.detail) box.appendChild(el('p', 'detail', e.detail));
  if (e.validations.length) {
    var list = el('ul', 'validations');
    e.validations.forEach(function (v) {
      list.appendChild(el('li', '', (v.field ? v.field + ': ' : '') + v.detail));
    });
    box.appendChild(list);
  }
  box.hidden = false;
}

function hideError(box) {
  box.hidden = true;
  box.textContent = '';
}

function formatTime(iso) {
  var d = new Date(iso);
  return isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

function timeNode(iso) {
  var node = el('time', '', formatTime(iso));
  node.dateTime = iso;
  node.title = iso;
  return node;
}

// A dotted name ("module.agentapi.coder_script.agentapi") that may wrap after
// its dots only; the text stays the same (wbr has none).
function dottedName(className, name) {
  var node = el('span', className);
  String(name).split('.').forEach(function (part, i, parts) {
    node.appendChild(document.createTextNode(part + (i < parts.length - 1 ? '.' : '')));
    if (i < parts.length - 1) node.appendChild(document.createElement('wbr'));
  });
  return node;
}

function formatDuration(ms) {
  if (!(ms >= 0)) return '';
  if (ms < 1000) return ms + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  return Math.floor(ms / 60000) + ' min ' + Math.round((ms % 60000) / 1000) + ' s';
}

function badge(status, label) {
  var node = el('span', 'badge', label === undefined ? status : label);
  node.dataset.status = status;
  return node;
}

// The task app's latest report (current_state): "Agent reported <badge> message (time)".
function renderState(node, task) {
  var s = task.current_state;
  node.textContent = '';
  if (!s) return;
  node.appendChild(document.createTextNode('Agent reported'));
  node.appendChild(badge(s.state));
  if (s.message) node.appendChild(el('span', 'state-text', s.message));
  if (s.timestamp) {
    var when = timeNode(s.timestamp);
    when.className = 'muted';
    node.appendChild(when);
  }
}

// One EventSource on a task's watch stream. On any error it closes the
// stream, reports offline and opens a fresh one after RECONNECT_MS (each
// fresh stream starts with the current Task JSON).
function subscribeTask(url, handlers) {
  var source = null;
  function open() {
    source = new EventSource(url);
    source.onopen = function () { handlers.online(); };
    source.addEventListener('task', function (e) {
      var task;
      try { task = JSON.parse(e.data); } catch (ignored) { return; }
      handlers.task(task);
    });
    source.onerror = function () {
      source.close();
      handlers.offline();
      setTimeout(open, RECONNECT_MS);
    };
  }
  open();
}
`;
