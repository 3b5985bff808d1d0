// Reads the body of `GET /internal/screen` (spec §3.10) as the sequence of
// screens it carries: SSE bytes → `screen` events → validated `{"screen"}`
// payloads. Must never open connections or touch the terminal; events of any
// other name are skipped, and the first bad payload ends the sequence with an
// error rather than being drawn.
import { z } from 'zod';
import { screenEventInvalid, screenStreamLost } from './errors.js';
import { MAX_SSE_EVENT_BYTES, SseParseError, SseParser, type SseMessage } from './sse-parser.js';

/** The payload of the `screen` event (upstream's ScreenUpdateBody). */
export const screenUpdateSchema = z.object({ screen: z.string() });

export const SCREEN_EVENT = 'screen';

/** What is used of a response body's reader (a fetch body's default reader fits). */
export interface ByteChunkReader {
  read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>;
}

function parseScreenUpdate(data: string): string {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch (err) {
    throw screenEventInvalid(new Error(`invalid screen event: ${err instanceof Error ? err.message : String(err)}`));
  }
  const parsed = screenUpdateSchema.safeParse(json);
  if (!parsed.success) throw screenEventInvalid(new Error(`invalid screen event: ${z.prettifyError(parsed.error)}`));
  return parsed.data.screen;
}

/**
 * Yields each screen as it arrives and returns when the server ends the
 * stream. Throws AttachError `screen_stream_lost` when the connection breaks
 * and `screen_event_invalid` for an oversize or malformed event.
 */
export async function* readScreenUpdates(
  reader: ByteChunkReader,
  maxEventBytes = MAX_SSE_EVENT_BYTES,
): AsyncGenerator<string, void, undefined> {
  const arrived: SseMessage[] = [];
  const parser = new SseParser({ onEvent: (m) => arrived.push(m), maxEventBytes });
  for (;;) {
    let chunk: Awaited<ReturnType<ByteChunkReader['read']>>;
    try {
      chunk = await reader.read();
    } catch (err) {
      throw screenStreamLost(err);
    }
    if (chunk.done) return;
    if (chunk.value === undefined) continue;
    try {
      parser.push(chunk.value);
    } catch (err) {
      if (err instanceof SseParseError) throw screenEventInvalid(err);
      throw err;
    }
    for (const message of arrived.splice(0)) {
      if (message.event === SCREEN_EVENT) yield parseScreenUpdate(message.data);
    }
  }
}
