// JSON text as Go's encoding/json writes it, shared by the HTTP bodies, the
// SSE stream and the state file so all three stay byte-compatible with
// upstream. It must never change field order: callers build objects in order.

/**
 * JSON text with `<`, `>`, `&`, U+2028 and U+2029 escaped, as Go's
 * encoding/json does. Those characters only occur inside JSON strings, so the
 * replacement keeps the text valid and equal in meaning. Control characters
 * already come out as Go writes them (`\b \f \n \r \t`, else lower-case `\u00xx`).
 */
export function stringifyGoJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => {
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
