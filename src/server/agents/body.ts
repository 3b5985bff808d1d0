// Reading a request body under a byte cap while it streams in: a declared
// Content-Length above the cap, or one byte past it on the wire, ends the read
// at once (the server drains or drops the rest after answering), so an
// oversized body is never buffered whole. It never parses and never answers:
// callers map BodyLimitError to their own status and text.

export class BodyLimitError extends Error {
  readonly code = 'body_limit';
  constructor(readonly limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
    this.name = 'BodyLimitError';
  }
}

/** The whole body (empty when there is none); BodyLimitError once more than `limitBytes` is declared or received. */
export async function readBodyCapped(request: Request, limitBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limitBytes) throw new BodyLimitError(limitBytes);
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > limitBytes) throw new BodyLimitError(limitBytes);
      chunks.push(value);
    }
  } finally {
    // Not cancel(): that would tear down the connection before the answer is written.
    reader.releaseLock();
  }
  const body = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** UTF-8 text of a body, or undefined when it is not valid UTF-8. */
export function decodeUtf8(body: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return undefined;
  }
}
