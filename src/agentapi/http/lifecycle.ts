// What an HTTP app built by createHttpApp exposes to the server that runs it:
// ending its SSE streams at shutdown, and the answer for requests the Node
// adapter cannot even turn into a URL (a Host header that does not parse).
// The app owns these; the server only calls them. Nothing else may use them.
import type { Hono } from 'hono';

export const HTTP_APP_HOOKS: unique symbol = Symbol('taskyard.agentapi.httpAppHooks');

export interface HttpAppHooks {
  /** Ends every open SSE stream gracefully (step one of stopping the server). */
  endStreams(): void;
  /** The answer for a request whose Host header the adapter could not parse (§3.7). */
  unparsableRequestResponse(): Response;
}

/** A Hono app that carries the hooks of its own lifecycle. */
export type HttpApp = Hono & { readonly [HTTP_APP_HOOKS]: HttpAppHooks };

export function hooksOf(app: Hono): HttpAppHooks | undefined {
  return HTTP_APP_HOOKS in app ? (app as HttpApp)[HTTP_APP_HOOKS] : undefined;
}
