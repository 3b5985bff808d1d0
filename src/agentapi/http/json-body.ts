// How every JSON body leaves the server: `$schema` first, fields in the order
// the caller gives, `Link: describedBy`, HTML-safe escaping like Go's encoder.
// It must never reorder fields or drop `$schema`: clients (and upstream's
// tests) compare bodies textually.
import type { Context } from 'hono';
import { stringifyGoJson } from '../go-json.js';
import type { SchemaName } from './openapi.js';

/** `http://<Host>/schemas/<Name>.json`, `https` when the request came over TLS. */
export function schemaUrl(c: Context, name: SchemaName): string {
  const scheme = new URL(c.req.url).protocol === 'https:' ? 'https' : 'http';
  return `${scheme}://${c.req.header('host') ?? ''}/schemas/${name}.json`;
}

export function describedByLink(name: SchemaName): string {
  return `</schemas/${name}.json>; rel="describedBy"`;
}

/**
 * A response whose body is `{"$schema": …, ...fields}`. Field order is the
 * insertion order of `fields`; huma's encoder ends the body with a newline.
 */
export function schemaJsonResponse(
  c: Context,
  name: SchemaName,
  fields: Record<string, unknown>,
  init: { status?: number; contentType?: string } = {},
): Response {
  const body = { $schema: schemaUrl(c, name), ...fields };
  return new Response(`${stringifyGoJson(body)}\n`, {
    status: init.status ?? 200,
    headers: {
      'Content-Type': init.contentType ?? 'application/json',
      Link: describedByLink(name),
    },
  });
}
