// How every JSON body leaves the server: `$schema` first, fields in the order
// the caller gives, `Link: describedBy`, HTML-safe escaping like Go's encoder.
// It must never reorder fields or drop `$schema`: clients (and upstream's
// tests) compare bodies textually.
import type { Context } from 'hono';
import type { SchemaName } from './openapi.js';

/**
 * JSON text with `<`, `>`, `&`, U+2028 and U+2029 escaped, as Go's
 * encoding/json does. Those characters only occur inside JSON strings, so the
 * replacement keeps the text valid and equal in meaning.
 */
export function stringifyHtmlSafe(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => {
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

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
  return new Response(`${stringifyHtmlSafe(body)}\n`, {
    status: init.status ?? 200,
    headers: {
      'Content-Type': init.contentType ?? 'application/json',
      Link: describedByLink(name),
    },
  });
}
