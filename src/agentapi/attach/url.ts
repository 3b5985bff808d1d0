// Normalises the `agentapi attach --url` value (spec §2.3.1) into the base URL
// every request path is appended to. Pure string rules, exactly upstream's: it
// must never resolve, validate or fetch anything, and never drop a path prefix.

export const DEFAULT_ATTACH_URL = 'localhost:3284';

/**
 * `http://` is prepended when the value does not start with `http` (so
 * `https://…` and `http://…` are kept as given), then every trailing `/` is
 * trimmed, so `<base>/status` never has a double slash.
 */
export function normalizeAttachUrl(value: string): string {
  const withScheme = value.startsWith('http') ? value : `http://${value}`;
  return withScheme.replace(/\/+$/, '');
}

/** `<base><path>`; `path` starts with `/`. */
export function attachEndpoint(baseUrl: string, path: `/${string}`): string {
  return `${baseUrl}${path}`;
}
