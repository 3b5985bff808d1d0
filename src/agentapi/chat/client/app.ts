// Browser-script part: the composition root of the page. It reads the
// server's config, builds the API client, view and event stream, and wires
// the composer: send box, Interrupt, control mode, file picker and drop. The
// only state it keeps is what the UI needs right now (status, sending,
// control mode); the conversation itself always comes from the event replay.
export const APP_SCRIPT = String.raw`
var cfg = window.CHAT_CONFIG;
var byId = function (id) { return document.getElementById(id); };
var api = createApi(resolveApiBase(window.location.search, cfg.apiBase), window.fetch.bind(window));
var draft = byId('draft');
var sendButton = byId('send');
var interruptButton = byId('interrupt');
var composer = byId('composer');
var controlToggle = byId('control-mode');
var controlInput = byId('control-input');
var controlKeys = byId('control-keys');
var fileInput = byId('file');
var uploads = byId('uploads');
var dropOverlay = byId('drop-overlay');
var fullLink = byId('full-link');

var messages = createMessageList(byId('messages'), byId('empty'));
var showStatus = createStatusBadge(byId('status'), byId('status-text'), byId('agent-type'), byId('hint'));
var toast = createToaster(byId('toasts'));
var showProblem = function (err) { toast(problemOf(err), 'error', false); };
var sendRaw = createRawQueue(function (bytes) { return api.sendMessage('raw', bytes); }, showProblem);

var status = 'unknown';
var agentType = '';
var sending = false;
var refocusDraft = false;
var sentKeys = [];

if (fullLink) fullLink.href = cfg.basePath + '/' + window.location.search;

function render() {
  showStatus(status, agentType, controlToggle.checked);
  var canSend = status === 'stable' && !sending;
  if (!canSend && document.activeElement === draft) refocusDraft = true;
  draft.disabled = !canSend;
  sendButton.disabled = !canSend || draft.value.trim() === '';
  interruptButton.hidden = status !== 'running';
  if (canSend && refocusDraft && !controlToggle.checked) {
    refocusDraft = false;
    draft.focus();
  }
}

function growDraft() {
  draft.style.height = 'auto';
  draft.style.height = Math.min(draft.scrollHeight + 2, 240) + 'px';
}

function send() {
  var text = draft.value;
  if (text.trim() === '' || status !== 'stable' || sending) return;
  sending = true;
  render();
  api.sendMessage('user', text)
    .then(function () { draft.value = ''; growDraft(); })
    .catch(showProblem)
    .then(function () { sending = false; render(); });
}

function appendToDraft(text) {
  draft.value += text;
  growDraft();
  render();
}

function uploadFiles(files) {
  Array.prototype.forEach.call(files, function (file) {
    var chip = el('span', 'chip', 'Uploading ' + file.name + '\u2026');
    uploads.appendChild(chip);
    api.upload(file)
      .then(function (body) { appendToDraft(' @"' + body.filePath + '"'); })
      .catch(showProblem)
      .then(function () { chip.remove(); });
  });
}

function sendKeys(bytes) {
  sendRaw(bytes);
  sentKeys.push(keyLabel(bytes));
  if (sentKeys.length > 40) sentKeys.splice(0, sentKeys.length - 40);
  controlKeys.textContent = 'Sent: ' + sentKeys.join(' ');
}

function setControlMode(on) {
  composer.classList.toggle('control', on);
  byId('text-field').hidden = on;
  byId('control-field').hidden = !on;
  sendButton.hidden = on;
  render();
  if (on) controlInput.focus(); else if (!draft.disabled) draft.focus();
}

subscribeEvents(api.eventsUrl, {
  open: function () { messages.clear(); },
  message: function (m) { messages.upsert(m); },
  status: function (s) {
    status = publicStatus(s.status);
    agentType = s.agent_type || agentType;
    render();
  },
  agentError: function (e) {
    var time = e.time ? new Date(e.time).toLocaleTimeString() : '';
    toast({ title: e.level === 'warning' ? 'Agent warning' : 'Agent error', detail: e.message + (time ? ' (' + time + ')' : ''), errors: [] },
      e.level === 'warning' ? 'warning' : 'error', true);
  },
  offline: function () { status = 'offline'; render(); }
});

composer.addEventListener('submit', function (e) { e.preventDefault(); send(); });
draft.addEventListener('keydown', function (e) {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    send();
  }
});
draft.addEventListener('input', function () { growDraft(); render(); });
interruptButton.addEventListener('click', function () { sendRaw('\x1b'); });

controlToggle.addEventListener('change', function () { setControlMode(controlToggle.checked); });
controlInput.addEventListener('keydown', function (e) {
  var raw = rawForKey(e);
  if (raw === null) return;
  e.preventDefault();
  sendKeys(raw);
});
// Text that arrives without a mapped keydown: IME composition, virtual
// keyboards, AltGr characters. Send it as typed and keep the box empty.
controlInput.addEventListener('input', function (e) {
  if (e.isComposing || controlInput.value === '') return;
  var text = controlInput.value;
  controlInput.value = '';
  sendKeys(text);
});
controlInput.addEventListener('compositionend', function () {
  var text = controlInput.value;
  controlInput.value = '';
  if (text) sendKeys(text);
});
controlInput.addEventListener('paste', function (e) {
  e.preventDefault();
  var text = e.clipboardData ? e.clipboardData.getData('text') : '';
  if (text) sendKeys(text.replace(/\r?\n/g, '\r'));
});

byId('attach').addEventListener('click', function () { fileInput.click(); });
fileInput.addEventListener('change', function () {
  uploadFiles(fileInput.files);
  fileInput.value = '';
});

var dragDepth = 0;
function carriesFiles(e) {
  return !!e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, 'Files') >= 0;
}
document.addEventListener('dragenter', function (e) {
  if (!carriesFiles(e)) return;
  dragDepth += 1;
  dropOverlay.hidden = false;
});
document.addEventListener('dragleave', function (e) {
  if (!carriesFiles(e)) return;
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) dropOverlay.hidden = true;
});
document.addEventListener('dragover', function (e) {
  if (carriesFiles(e)) e.preventDefault();
});
document.addEventListener('drop', function (e) {
  if (!carriesFiles(e)) return;
  e.preventDefault();
  dragDepth = 0;
  dropOverlay.hidden = true;
  uploadFiles(e.dataTransfer.files);
});

render();
`;
