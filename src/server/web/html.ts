// HTML building blocks shared by the dashboard's server-rendered pages: text
// escaping and the page layout (head, top bar with the signed-in user and the
// sign-out form). Pages are shells: the browser scripts fill them from the
// JSON API. Nothing here may reference an external resource (§8.1) or put
// unescaped text into markup.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export interface LayoutOptions {
  title: string;
  /** The signed-in user's name; omitted on the login page (no top-bar user, no sign-out). */
  username?: string;
  /** The page's markup, already escaped where it carries data. */
  body: string;
  /** Asset names (under /assets/) loaded as deferred scripts. */
  scripts?: string[];
}

function topBar(username: string | undefined): string {
  const user =
    username === undefined
      ? ''
      : `<span class="who">Signed in as <strong>${escapeHtml(username)}</strong></span>
<form class="signout" method="post" action="/logout"><button type="submit" class="link">Sign out</button></form>`;
  return `<header class="topbar">
<a class="brand" href="/tasks">taskyard</a>
<nav class="nav" aria-label="Main">${username === undefined ? '' : '<a href="/tasks">Tasks</a>'}</nav>
<span class="spacer"></span>
${user}
</header>`;
}

export function renderLayout(options: LayoutOptions): string {
  const scripts = (options.scripts ?? []).map((name) => `<script src="/assets/${escapeHtml(name)}" defer></script>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)} · taskyard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/dashboard.css">
${scripts}
</head>
<body>
${topBar(options.username)}
${options.body}
</body>
</html>
`;
}
