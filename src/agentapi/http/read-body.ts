// Reads a request body into memory under a byte limit and a time limit, the
// way huma does before any parsing: more than `limit` bytes → 413, not fully
// received within the timeout → 408. It must never buffer more than
// `limit + 1` bytes, and never leave its timer or the stream reader running.
import { bodyReadTimeout, bodyTooLarge } from './problem.js';

export const BODY_READ_TIMEOUT_MS = 5_000;

export interface ReadBodyOptions {
  limit: number;
  timeoutMs: number;
}

export async function readLimitedBody(request: Request, options: ReadBodyOptions): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > options.limit) {
    throw bodyTooLarge(options.limit);
  }
  if (!request.body) return new Uint8Array(0);

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
  });
  try {
    for (;;) {
      const step = await Promise.race([reader.read(), timedOut]);
      if (step === 'timeout') throw bodyReadTimeout();
      if (step.done) break;
      total += step.value.byteLength;
      if (total > options.limit) throw bodyTooLarge(options.limit);
      chunks.push(step.value);
    }
  } catch (err) {
    // Stop pulling from the socket; node-server drains or closes it after the answer.
    reader.cancel().catch(() => {});
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks, total);
}
