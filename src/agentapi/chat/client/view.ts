// Browser-script part: everything the page draws — the status badge, the
// message list (upserted by id, kept in id order, agent text monospace
// pre-wrap) and toasts. It must never talk to the network; text from the
// agent or the server is only ever assigned through textContent.
export const VIEW_SCRIPT = String.raw`
var TOAST_MS = 10000;
var STATUS_HINTS = {
  stable: 'Enter to send \u00b7 Shift+Enter for a new line',
  running: 'The agent is working \u2014 wait for it, or interrupt it',
  offline: 'Offline \u2014 reconnecting\u2026',
  unknown: 'Connecting\u2026',
  control: 'Keys go straight to the agent (Tab and Esc too) \u00b7 turn control mode off to move focus with Tab'
};

function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function createMessageList(list, empty) {
  var nodes = new Map();

  function isNearBottom() {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 48;
  }

  function nodeAfter(id) {
    var best = null;
    var bestId = Infinity;
    nodes.forEach(function (node, otherId) {
      if (otherId > id && otherId < bestId) { best = node; bestId = otherId; }
    });
    return best;
  }

  function upsert(m) {
    var stick = isNearBottom();
    var node = nodes.get(m.id);
    if (!node) {
      node = el('article', '');
      node.dataset.id = String(m.id);
      node.appendChild(el('span', 'who'));
      node.appendChild(el('p', 'body'));
      nodes.set(m.id, node);
      list.insertBefore(node, nodeAfter(m.id));
    }
    var role = m.role === 'user' ? 'user' : 'agent';
    node.className = 'msg ' + role;
    node.dataset.role = role;
    node.firstChild.textContent = role === 'user' ? 'You' : 'Agent';
    node.lastChild.textContent = String(m.message);
    if (m.time) node.title = new Date(m.time).toLocaleString();
    empty.hidden = true;
    if (stick) list.scrollTop = list.scrollHeight;
  }

  function clear() {
    nodes.forEach(function (node) { node.remove(); });
    nodes.clear();
    empty.hidden = false;
  }

  return { upsert: upsert, clear: clear, size: function () { return nodes.size; } };
}

function createStatusBadge(badge, text, agentType, hint) {
  return function show(status, type, controlMode) {
    badge.dataset.status = status;
    text.textContent = status;
    if (type) agentType.textContent = type;
    hint.textContent = STATUS_HINTS[controlMode ? 'control' : status] || '';
  };
}

// A toast for a problem ({title, detail, errors[]}). Persistent ones (agent
// errors) stay until dismissed; the others fade after TOAST_MS.
function createToaster(container) {
  return function toast(problem, level, persistent) {
    var node = el('div', 'toast ' + (level || 'error'));
    var content = el('div', 'content');
    content.appendChild(el('strong', 'title', problem.title));
    if (problem.detail) content.appendChild(el('p', 'detail', problem.detail));
    if (problem.errors && problem.errors.length) {
      var ul = el('ul', 'errors');
      problem.errors.forEach(function (line) { ul.appendChild(el('li', '', line)); });
      content.appendChild(ul);
    }
    var close = el('button', 'close', '\u00d7');
    close.type = 'button';
    close.setAttribute('aria-label', 'Dismiss notification');
    close.addEventListener('click', function () { node.remove(); });
    node.appendChild(content);
    node.appendChild(close);
    container.appendChild(node);
    if (!persistent) setTimeout(function () { node.remove(); }, TOAST_MS);
    return node;
  };
}
`;
