// Browser-script part: the composition root of the task page (server.md
// §8.3). It follows the task through its watch stream (SSE `task`), draws
// the status badge and current state, enables Pause / Resume per status
// (pause as the API allows it: not from pending, paused or unknown; resume
// only from paused), sends those actions and shows their errors plainly,
// and hands each Task JSON to the conversation and agent panels. The task
// JSON on screen always comes from the server, never from a guess.
export const TASK_PAGE_SCRIPT = String.raw`
var PAUSABLE = ['active', 'initializing', 'error'];
var page = byId('app').dataset;
var taskApi = '/api/v2/tasks/' + seg(page.owner) + '/' + seg(page.name);
var actionApi = '/api/experimental/tasks/' + seg(page.owner) + '/' + seg(page.name);
var statusBadge = byId('task-status');
var statusText = byId('task-status-text');
var stateLine = byId('task-state');
var watchState = byId('watch-state');
var pauseButton = byId('pause');
var resumeButton = byId('resume');
var actionNote = byId('action-note');
var actionError = byId('action-error');

var conversation = createConversation({
  chat: byId('chat'),
  snapshot: byId('snapshot'),
  snapshotNote: byId('snapshot-note'),
  snapshotMessages: byId('snapshot-messages'),
  note: byId('conversation-note'),
  error: byId('conversation-error')
}, {
  chat: '/tasks/' + seg(page.owner) + '/' + seg(page.name) + '/chat/embed',
  logs: taskApi + '/logs'
});
var agentPanel = createAgentPanel({
  summary: byId('agent-summary'),
  units: byId('units').tBodies[0],
  scripts: byId('scripts').tBodies[0],
  logLines: byId('agent-log-lines'),
  noAgent: byId('no-agent'),
  error: byId('agent-error')
});

var task = null;
// An action is in flight, or was accepted and its effect has not shown up in a task update yet.
var busy = false;
// The error box shows a failed read (not an action's refusal): the next task update clears it.
var readFailed = false;

function render() {
  var status = task ? task.status : '';
  statusBadge.dataset.status = status;
  statusText.textContent = status || 'loading';
  if (task) renderState(stateLine, task);
  pauseButton.disabled = busy || PAUSABLE.indexOf(status) < 0;
  resumeButton.disabled = busy || status !== 'paused';
}

function onTask(next) {
  if (readFailed) { readFailed = false; hideError(actionError); }
  var changed = !task || task.status !== next.status || task.workspace_build_number !== next.workspace_build_number;
  task = next;
  if (changed) busy = false;
  // The action's note stays until the task settled where the action leads.
  if (changed && !busy && ['active', 'paused', 'error'].indexOf(task.status) >= 0) actionNote.textContent = '';
  render();
  conversation.show(task);
  agentPanel.show(task.workspace_agent_id);
}

// The current task by a plain GET: shows why the task cannot be read (404, network).
function reload() {
  return api('GET', taskApi).then(onTask, function (err) { readFailed = true; showError(actionError, err); });
}

function act(kind) {
  busy = true;
  render();
  readFailed = false;
  hideError(actionError);
  actionNote.textContent = kind === 'pause' ? 'Pausing\u2026' : 'Resuming\u2026';
  api('POST', actionApi + '/' + kind).then(function (res) {
    var build = kind === 'pause' ? res.workspace_build_id : res.workspace_build.id;
    actionNote.textContent = (kind === 'pause' ? 'Pause' : 'Resume') + ' requested (build ' + build + ').';
    return reload();
  }).catch(function (err) {
    busy = false;
    actionNote.textContent = '';
    showError(actionError, err);
    render();
  });
}

pauseButton.addEventListener('click', function () { act('pause'); });
resumeButton.addEventListener('click', function () { act('resume'); });

subscribeTask(taskApi + '/watch', {
  online: function () { watchState.textContent = 'live'; },
  task: onTask,
  offline: function () {
    watchState.textContent = 'reconnecting\u2026';
    reload();
  }
});
render();
`;
