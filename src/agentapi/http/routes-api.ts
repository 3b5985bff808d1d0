// The API routes of §3.1.2: status, messages, send, upload and the two SSE
// streams. Handlers only translate between HTTP and the AgentBackend; they
// must never take a lock or await anything of the backend in the read routes
// (§3.4.6: GET /status, /messages, /events, /internal/screen never wait on an
// in-flight POST /message).
import { ServerResponse } from 'node:http';
import type { Context, Hono } from 'hono';
import type { Logger } from '../log.js';
import type { Subscription } from '../conversation/event-hub.js';
import type { ConversationEvent, ScreenEvent } from '../conversation/types.js';
import type { AgentBackend } from './backend.js';
import { schemaJsonResponse } from './json-body.js';
import { parseMessageRequest } from './message-request.js';
import { causeText, MAX_JSON_BODY_BYTES, unexpectedError } from './problem.js';
import { readLimitedBody } from './read-body.js';
import { SSE_HEADERS, sseResponse, type SseEvent, type SseStreamSet } from './sse.js';
import { handleUpload } from './upload.js';

export interface ApiRoutesConfig {
  backend: AgentBackend;
  uploadDir: string;
  logger: Logger;
  streams: SseStreamSet;
  bodyReadTimeoutMs: number;
  sseWriteTimeoutMs: number;
}

/** Conversation events with their data fields rebuilt in wire order (§3.9.3). */
export function conversationEventToWire(event: ConversationEvent): SseEvent {
  switch (event.type) {
    case 'message_update': {
      const { id, role, message, time } = event.data;
      return { type: event.type, data: { id, role, message, time } };
    }
    case 'status_change': {
      const { status, agent_type } = event.data;
      return { type: event.type, data: { status, agent_type } };
    }
    case 'agent_error': {
      const { message, level, time } = event.data;
      return { type: event.type, data: { message, level, time } };
    }
  }
}

/** Screen events go out as the engine emitted them. */
const screenEventToWire = (event: ScreenEvent): SseEvent => event;

/** The node response behind a request, when served by @hono/node-server. */
function nodeResponse(c: Context): ServerResponse | undefined {
  const env: unknown = c.env;
  if (typeof env !== 'object' || env === null || !('outgoing' in env)) return undefined;
  return env.outgoing instanceof ServerResponse ? env.outgoing : undefined;
}

export function registerApiRoutes(app: Hono, config: ApiRoutesConfig): void {
  const { backend, logger } = config;

  app.get('/status', (c) =>
    schemaJsonResponse(c, 'StatusResponseBody', {
      status: backend.status(),
      agent_type: backend.agentType,
      transport: 'pty',
    }),
  );

  app.get('/messages', (c) =>
    schemaJsonResponse(c, 'MessagesResponseBody', {
      messages: backend.messages().map((m) => ({ id: m.id, content: m.text, role: m.role, time: m.time })),
    }),
  );

  app.post('/message', async (c) => {
    const raw = await readLimitedBody(c.req.raw, { limit: MAX_JSON_BODY_BYTES, timeoutMs: config.bodyReadTimeoutMs });
    const request = parseMessageRequest(raw, c.req.header('content-type'));
    try {
      await backend.sendMessage(request.type, request.content);
    } catch (err) {
      throw unexpectedError(`failed to send message: ${causeText(err)}`);
    }
    return schemaJsonResponse(c, 'MessageResponseBody', { ok: true });
  });

  app.post('/upload', (c) =>
    handleUpload(c, { uploadDir: config.uploadDir, bodyReadTimeoutMs: config.bodyReadTimeoutMs }),
  );

  const stream = <E extends SseEvent>(
    c: Context,
    name: string,
    subscribe: () => Subscription<E>,
    toWire: (event: E) => SseEvent,
  ): Response => {
    // hono answers HEAD with the GET route; never open a subscription for it.
    if (c.req.method === 'HEAD') return new Response(null, { status: 200, headers: SSE_HEADERS });
    const outgoing = nodeResponse(c);
    logger.debug({ stream: name }, 'sse subscriber connected');
    return sseResponse(subscribe(), toWire, {
      streams: config.streams,
      writeTimeoutMs: config.sseWriteTimeoutMs,
      // A stalled socket cannot be ended gracefully: tear it down.
      onWriteTimeout: outgoing ? () => outgoing.destroy() : undefined,
      onEnd: (reason) => logger.debug({ stream: name, reason }, 'sse subscriber disconnected'),
    });
  };

  app.get('/events', (c) => stream(c, 'events', () => backend.events.subscribe(), conversationEventToWire));
  app.get('/internal/screen', (c) => stream(c, 'screen', () => backend.screens.subscribe(), screenEventToWire));
}
