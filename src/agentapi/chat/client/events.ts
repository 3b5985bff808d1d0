// Browser-script part: the one EventSource on `<api>/events` (§3.9). It owns
// the connection's lifetime: on any error it closes the stream, reports
// offline and opens a fresh one after RECONNECT_MS; each (re)opened stream
// starts with a full replay, so the handlers reset their state on `open`.
// It must never retry faster than that or keep two streams open at once.
export const EVENTS_SCRIPT = String.raw`
var RECONNECT_MS = 3000;

function publicStatus(status) {
  return status === 'stable' || status === 'running' ? status : 'unknown';
}

function subscribeEvents(url, handlers) {
  var source = null;
  var timer = null;

  function parse(e, handle) {
    var data;
    try { data = JSON.parse(e.data); } catch (ignored) { return; }
    handle(data);
  }

  function open() {
    timer = null;
    source = new EventSource(url);
    source.onopen = function () { handlers.open(); };
    source.addEventListener('message_update', function (e) { parse(e, handlers.message); });
    source.addEventListener('status_change', function (e) { parse(e, handlers.status); });
    source.addEventListener('agent_error', function (e) { parse(e, handlers.agentError); });
    source.onerror = function () {
      source.close();
      source = null;
      handlers.offline();
      if (timer === null) timer = setTimeout(open, RECONNECT_MS);
    };
  }

  open();
}
`;
