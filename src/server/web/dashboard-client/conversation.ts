// Browser-script part: the task page's conversation panel (server.md §8.3).
// `active` → the live AgentAPI chat (agentapi.md §3.11) in an iframe served
// by the dashboard and talking to the proxied AgentAPI; paused, pending or
// initializing → the stored snapshot from the logs endpoint, read-only, with
// its time; error or unknown → a plain note. The iframe exists only while
// the task is active, so no chat stream keeps retrying a stopped app.
export const CONVERSATION_SCRIPT = String.raw`
var SNAPSHOT_STATUSES = ['paused', 'pending', 'initializing'];

function snapshotMessage(entry) {
  var role = entry.type === 'input' ? 'user' : 'agent';
  var node = el('article', 'msg ' + role);
  node.dataset.id = String(entry.id);
  node.dataset.role = role;
  node.appendChild(el('span', 'who', role === 'user' ? 'You' : 'Agent'));
  node.appendChild(el('p', 'body', entry.content));
  if (entry.time) node.title = formatTime(entry.time);
  return node;
}

// The note above a snapshot; the texts without a snapshot are the CLI's (server.md §7).
function snapshotNote(note, status, logs) {
  note.textContent = '';
  if (logs.snapshot_at) {
    note.appendChild(document.createTextNode('Read-only snapshot of the last ' + logs.logs.length + ' messages, taken '));
    note.appendChild(timeNode(logs.snapshot_at));
    note.appendChild(document.createTextNode(status === 'paused' ? '. Resume the task to continue the conversation.' : '. The task is ' + status + '.'));
  } else if (status === 'paused') {
    note.textContent = 'Task is paused. No snapshot available (snapshot may have failed during pause, resume your task to view logs).';
  } else {
    note.textContent = 'Task is ' + status + '. No snapshot available.';
  }
}

function createConversation(nodes, urls) {
  var frame = null;
  // Which snapshot is on screen (status and build): a new one is fetched only when that changes.
  var snapshotKey = null;

  function showChat() {
    if (frame) return;
    frame = document.createElement('iframe');
    frame.title = 'Task chat';
    frame.src = urls.chat;
    nodes.chat.appendChild(frame);
    nodes.chat.hidden = false;
  }

  function hideChat() {
    if (frame) frame.remove();
    frame = null;
    nodes.chat.hidden = true;
  }

  function showSnapshot(task) {
    var key = task.status + ':' + task.workspace_build_number;
    if (key === snapshotKey) return;
    snapshotKey = key;
    api('GET', urls.logs).then(function (logs) {
      if (snapshotKey !== key) return;
      hideError(nodes.error);
      snapshotNote(nodes.snapshotNote, task.status, logs);
      nodes.snapshotMessages.textContent = '';
      logs.logs.forEach(function (entry) { nodes.snapshotMessages.appendChild(snapshotMessage(entry)); });
      nodes.snapshotMessages.hidden = logs.logs.length === 0;
      nodes.snapshot.hidden = false;
      nodes.snapshotMessages.scrollTop = nodes.snapshotMessages.scrollHeight;
    }, function (err) {
      if (snapshotKey !== key) return;
      // Let the next task update try again.
      snapshotKey = null;
      showError(nodes.error, err);
    });
  }

  function show(task) {
    nodes.note.hidden = true;
    if (task.status === 'active') {
      snapshotKey = null;
      nodes.snapshot.hidden = true;
      hideError(nodes.error);
      showChat();
      return;
    }
    hideChat();
    if (SNAPSHOT_STATUSES.indexOf(task.status) >= 0) {
      showSnapshot(task);
      return;
    }
    snapshotKey = null;
    nodes.snapshot.hidden = true;
    nodes.note.textContent = task.status === 'error'
      ? 'Task is in state error: the conversation is not available. Check the scripts and agent logs.'
      : 'Task is ' + task.status + ': the conversation is not available until it settles.';
    nodes.note.hidden = false;
  }

  return { show: show };
}
`;
