// The browser script of the minimal chat page, as text inlined into the HTML
// (the page must be self-contained: no external network, no extra files).
// It talks only to the agentapi HTTP API at `<api>` and must never load any
// other URL. Plain ES2017, no template literals, so it can live in String.raw.
export const CHAT_CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var cfg = window.CHAT_CONFIG;
  var api = (new URLSearchParams(window.location.search).get('url') || cfg.apiBase).replace(/\/+$/, '');
  var list = document.getElementById('messages');
  var statusEl = document.getElementById('status');
  var draft = document.getElementById('draft');
  var sendBtn = document.getElementById('send');
  var interruptBtn = document.getElementById('interrupt');
  var fileInput = document.getElementById('file');
  var toasts = document.getElementById('toasts');
  var status = 'unknown';
  var sending = false;
  var nodes = new Map();
  var source = null;
  var retryTimer = null;

  function render() {
    statusEl.textContent = status;
    statusEl.className = 'status ' + status;
    var canSend = status === 'stable' && !sending;
    draft.disabled = !canSend;
    sendBtn.disabled = !canSend;
    interruptBtn.hidden = status !== 'running';
  }

  function toast(text, level) {
    var el = document.createElement('div');
    el.className = 'toast ' + (level || 'error');
    el.textContent = text;
    var close = document.createElement('button');
    close.textContent = '\u00d7';
    close.title = 'Dismiss';
    close.onclick = function () { el.remove(); };
    el.appendChild(close);
    toasts.appendChild(el);
  }

  function upsert(m) {
    var atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    var el = nodes.get(m.id);
    if (!el) {
      el = document.createElement('div');
      el.dataset.id = String(m.id);
      nodes.set(m.id, el);
      var next = null;
      nodes.forEach(function (other, id) { if (id > m.id && (!next || id < Number(next.dataset.id))) next = other; });
      list.insertBefore(el, next);
    }
    el.className = 'msg ' + m.role;
    el.textContent = m.message;
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  function connect() {
    retryTimer = null;
    nodes.clear();
    list.textContent = '';
    source = new EventSource(api + '/events');
    source.addEventListener('message_update', function (e) { upsert(JSON.parse(e.data)); });
    source.addEventListener('status_change', function (e) {
      var s = JSON.parse(e.data).status;
      status = s === 'stable' || s === 'running' ? s : 'unknown';
      render();
    });
    source.addEventListener('agent_error', function (e) {
      var d = JSON.parse(e.data);
      toast(d.message, d.level);
    });
    source.onerror = function () {
      source.close();
      status = 'offline';
      render();
      if (!retryTimer) retryTimer = setTimeout(connect, 3000);
    };
  }

  function problemText(p) {
    return (p && p.errors && p.errors[0] && p.errors[0].message) || (p && (p.detail || p.title)) || 'request failed';
  }

  function request(path, init) {
    return fetch(api + path, init).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (body) {
        if (!r.ok) throw new Error(problemText(body));
        return body;
      });
    });
  }

  function postMessage(type, content) {
    return request('/message', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ content: content, type: type }),
    });
  }

  function send() {
    var text = draft.value;
    if (!text.trim() || status !== 'stable' || sending) return;
    sending = true;
    render();
    postMessage('user', text)
      .then(function () { draft.value = ''; })
      .catch(function (err) { toast(err.message, 'error'); })
      .then(function () { sending = false; render(); draft.focus(); });
  }

  function upload(file) {
    var form = new FormData();
    form.append('file', file, file.name);
    request('/upload', { method: 'POST', body: form })
      .then(function (body) { draft.value += ' @"' + body.filePath + '"'; })
      .catch(function (err) { toast(err.message, 'error'); });
  }

  draft.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  });
  sendBtn.addEventListener('click', send);
  interruptBtn.addEventListener('click', function () {
    postMessage('raw', '\x1b').catch(function (err) { toast(err.message, 'error'); });
  });
  fileInput.addEventListener('change', function () {
    Array.prototype.forEach.call(fileInput.files, upload);
    fileInput.value = '';
  });
  document.addEventListener('dragover', function (e) { e.preventDefault(); });
  document.addEventListener('drop', function (e) {
    e.preventDefault();
    Array.prototype.forEach.call(e.dataTransfer.files, upload);
  });

  render();
  connect();
})();
`;
