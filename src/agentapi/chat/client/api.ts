// Browser-script part: the HTTP client for the agentapi API at `<api>`
// (§3.1.2): where `<api>` is, JSON requests, problem+json errors (§3.6) and
// an ordered queue for raw key bytes. It must never build a URL other than
// `<api>` + an API path, and never touch the DOM (the unit tests run this
// text in node:vm with a fake fetch).
export const API_SCRIPT = String.raw`
// <api>: the ?url= query parameter if present, else the parent of the chat
// base path (given by the server as the fallback). No trailing slash.
function resolveApiBase(search, fallback) {
  var fromQuery = (new URLSearchParams(search).get('url') || '').trim();
  return (fromQuery || fallback).replace(/\/+$/, '');
}

// A problem (title, detail, one line per errors[] entry) from any failed
// response: problem+json bodies as they are, anything else from the status.
function problemFromResponse(status, statusText, body, text) {
  if (body && typeof body === 'object' && (body.title || body.detail || body.errors)) {
    var errors = Array.isArray(body.errors) ? body.errors : [];
    return {
      title: String(body.title || 'HTTP ' + status),
      detail: body.detail ? String(body.detail) : '',
      errors: errors.filter(function (e) { return e && e.message; }).map(function (e) {
        return e.location ? String(e.message) + ' (' + String(e.location) + ')' : String(e.message);
      })
    };
  }
  return { title: 'HTTP ' + status + (statusText ? ' ' + statusText : ''), detail: String(text || '').trim().slice(0, 500), errors: [] };
}

function ProblemError(problem) {
  var err = new Error(problem.title);
  err.problem = problem;
  return err;
}

// The problem carried by a rejection (network failures included).
function problemOf(err) {
  if (err && err.problem) return err.problem;
  return { title: 'Request failed', detail: err && err.message ? String(err.message) : String(err), errors: [] };
}

function createApi(base, fetchImpl) {
  function request(path, init) {
    return fetchImpl(base + path, init).then(function (res) {
      return res.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (ignored) { body = null; }
        if (!res.ok) throw ProblemError(problemFromResponse(res.status, res.statusText, body, text));
        return body;
      });
    }, function (err) {
      throw ProblemError({ title: 'Network error', detail: 'Could not reach ' + (base || 'the server') + ': ' + err.message, errors: [] });
    });
  }

  function sendMessage(type, content) {
    return request('/message', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ content: content, type: type })
    });
  }

  function upload(file) {
    var form = new FormData();
    form.append('file', file, file.name);
    return request('/upload', { method: 'POST', body: form });
  }

  return { base: base, eventsUrl: base + '/events', sendMessage: sendMessage, upload: upload };
}

// Raw bytes must reach the PTY in the order typed, but fetches may overtake
// each other: one request in flight at a time, and keys typed meanwhile are
// coalesced into the next request.
function createRawQueue(sendRaw, onError) {
  var pending = '';
  var busy = false;
  function flush() {
    if (busy || pending === '') return;
    var chunk = pending;
    pending = '';
    busy = true;
    sendRaw(chunk).catch(onError).then(function () { busy = false; flush(); });
  }
  return function enqueue(bytes) { pending += bytes; flush(); };
}
`;
