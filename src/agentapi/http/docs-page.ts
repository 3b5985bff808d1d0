// The /docs page: the OpenAPI document rendered as plain HTML on the server
// (§3.11.3). It must never load anything from the network (upstream's page
// pulls Stoplight Elements from a CDN; ours works offline), and links only
// relative to itself so it keeps working behind a path-prefixing proxy.
import { openApiDocument, type Json, type JsonObject } from './openapi.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function asObject(value: Json | undefined): JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

function asString(value: Json | undefined): string {
  return typeof value === 'string' ? value : '';
}

/** Schema names referenced anywhere below `value`, in document order. */
function referencedSchemas(value: Json | undefined, found: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const v of value) referencedSchemas(v, found);
  } else if (value !== null && typeof value === 'object') {
    const target = value.$ref;
    if (typeof target === 'string') {
      const name = target.replace('#/components/schemas/', '');
      if (!found.includes(name)) found.push(name);
    }
    for (const v of Object.values(value)) referencedSchemas(v, found);
  }
  return found;
}

function schemaLinks(names: string[]): string {
  return names.map((n) => `<a href="schemas/${escapeHtml(n)}.json">${escapeHtml(n)}</a>`).join(', ');
}

function renderOperation(path: string, method: string, op: JsonObject): string {
  const request = referencedSchemas(op.requestBody);
  const response = referencedSchemas(op.responses);
  return `<section class="op">
<h3><span class="method">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code> — ${escapeHtml(asString(op.summary))}</h3>
<p>${escapeHtml(asString(op.description)).replace(/\n/g, '<br>')}</p>
<p class="meta">operationId <code>${escapeHtml(asString(op.operationId))}</code>${
    request.length > 0 ? ` · request ${schemaLinks(request)}` : ''
  } · responses ${schemaLinks(response)}</p>
</section>`;
}

export function renderDocsPage(): string {
  const doc = openApiDocument();
  const info = asObject(doc.info);
  const operations: string[] = [];
  for (const [path, item] of Object.entries(asObject(doc.paths))) {
    for (const [method, op] of Object.entries(asObject(item))) operations.push(renderOperation(path, method, asObject(op)));
  }
  const schemas = Object.entries(asObject(asObject(doc.components).schemas)).map(
    ([name, schema]) =>
      `<details><summary><a href="schemas/${escapeHtml(name)}.json">${escapeHtml(name)}</a></summary><pre>${escapeHtml(
        JSON.stringify(schema, null, 2),
      )}</pre></details>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(asString(info.title))} ${escapeHtml(asString(info.version))}</title>
<link rel="icon" href="data:,">
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { max-width: 60rem; margin: 0 auto; padding: 1rem; line-height: 1.5; }
  .op { border: 1px solid #8884; border-radius: .5rem; padding: 0 1rem; margin: 1rem 0; }
  .method { font-family: ui-monospace, monospace; background: #36c3; padding: 0 .4rem; border-radius: .25rem; }
  .meta { font-size: .9rem; }
  pre { background: #8882; padding: .5rem; overflow-x: auto; }
</style>
</head>
<body>
<h1>${escapeHtml(asString(info.title))} <small>${escapeHtml(asString(info.version))}</small></h1>
<p>${escapeHtml(asString(info.description)).replace(/\n/g, '<br>')}</p>
<p>OpenAPI ${escapeHtml(asString(doc.openapi))}: <a href="openapi.json">openapi.json</a> · <a href="openapi.yaml">openapi.yaml</a></p>
<h2>Operations</h2>
${operations.join('\n')}
<h2>Schemas</h2>
${schemas.join('\n')}
</body>
</html>
`;
}
