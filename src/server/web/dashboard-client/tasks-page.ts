// Browser-script part: the /tasks page (server.md §8.2). Lists the user's
// tasks (name, status badge, current state + message, created), refreshed
// every REFRESH_MS, and wires the create form: templates from the templates
// API, POST /api/v2/tasks/me, then the new task's page; API errors (400
// validation, 409 name taken) are shown next to the form as the API said
// them. It never validates input itself: the API is the one judge.
export const TASKS_PAGE_SCRIPT = String.raw`
var REFRESH_MS = 5000;
var page = byId('app').dataset;
var rows = byId('task-rows');
var noTasks = byId('no-tasks');
var listError = byId('list-error');
var listUpdated = byId('list-updated');
var form = byId('create-form');
var templateSelect = byId('template');
var promptInput = byId('prompt');
var nameInput = byId('task-name');
var createError = byId('create-error');
var createButton = byId('create');
var refreshTimer = null;

function taskRow(task) {
  var tr = el('tr');
  tr.dataset.task = task.owner_name + '/' + task.name;
  var nameCell = el('td');
  var link = el('a', '', task.name);
  link.href = taskPath(task);
  nameCell.appendChild(link);
  if (task.owner_name !== page.user) nameCell.appendChild(el('span', 'sub', task.owner_name));
  tr.appendChild(nameCell);
  var statusCell = el('td');
  statusCell.appendChild(badge(task.status));
  tr.appendChild(statusCell);
  var stateCell = el('td');
  if (task.current_state) {
    stateCell.appendChild(badge(task.current_state.state));
    if (task.current_state.message) stateCell.appendChild(el('span', 'state-msg', ' ' + task.current_state.message));
  }
  tr.appendChild(stateCell);
  var created = el('td');
  created.appendChild(timeNode(task.created_at));
  tr.appendChild(created);
  return tr;
}

function renderTasks(list) {
  rows.textContent = '';
  list.tasks.forEach(function (task) { rows.appendChild(taskRow(task)); });
  noTasks.hidden = list.tasks.length > 0;
  listUpdated.textContent = 'Updated ' + new Date().toLocaleTimeString();
}

function refresh() {
  if (refreshTimer !== null) clearTimeout(refreshTimer);
  refreshTimer = null;
  api('GET', '/api/v2/tasks')
    .then(function (list) { hideError(listError); renderTasks(list); })
    .catch(function (err) { showError(listError, err); })
    .then(function () {
      if (refreshTimer === null) refreshTimer = setTimeout(refresh, REFRESH_MS);
    });
}

function loadTemplates() {
  api('GET', '/api/v2/templates').then(function (templates) {
    templateSelect.textContent = '';
    templates.forEach(function (t) {
      var option = el('option', '', t.display_name ? t.display_name + ' (' + t.name + ')' : t.name);
      option.value = t.name;
      if (t.description) option.title = t.description;
      templateSelect.appendChild(option);
    });
    if (templates.length === 0) {
      var none = el('option', '', 'No templates');
      none.value = '';
      templateSelect.appendChild(none);
    }
    var demo = templates.filter(function (t) { return t.name === 'demo'; })[0];
    if (demo) templateSelect.value = demo.name;
  }).catch(function (err) { showError(createError, err); });
}

form.addEventListener('submit', function (e) {
  e.preventDefault();
  hideError(createError);
  var body = { template: templateSelect.value, input: promptInput.value };
  var name = nameInput.value.trim();
  if (name !== '') body.name = name;
  createButton.disabled = true;
  createButton.textContent = 'Creating\u2026';
  api('POST', '/api/v2/tasks/me', body).then(function (task) {
    window.location.href = taskPath(task);
  }).catch(function (err) {
    showError(createError, err);
    createButton.disabled = false;
    createButton.textContent = 'Create task';
  });
});

document.addEventListener('visibilitychange', function () {
  if (document.visibilityState === 'visible') refresh();
});

loadTemplates();
refresh();
`;
