// Adapts a Node readable (normally process.stdin) to the StdinSource that
// resolveServerConfig reads the initial prompt from (§2.2.6). The composition
// root calls it; it must never be called at import time or touch process.stdin
// on its own.
import type { StdinSource } from './server-config.js';

export function stdinFromStream(stream: NodeJS.ReadableStream & { isTTY?: boolean }): StdinSource {
  return {
    isTTY: stream.isTTY === true,
    async readAll(): Promise<string> {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
