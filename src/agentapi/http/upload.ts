// POST /upload (§3.5): stores one multipart `file` part under
// `<uploadDir>/<sha256 prefix>/<basename>` and answers with its absolute path.
// It must never write outside its content-hash directory (only the part of the
// client's filename after the last `/` is used) and never keep more than
// the size limit (plus multipart framing) in memory.
import { createHash } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from 'hono';
import { schemaJsonResponse } from './json-body.js';
import { causeText, HttpProblem, unexpectedError, validationFailed } from './problem.js';
import { readLimitedBody } from './read-body.js';

export const MAX_UPLOAD_FILE_BYTES = 10 * 1024 * 1024;
/** Room for multipart boundaries and part headers around a maximal file. */
const MAX_UPLOAD_BODY_BYTES = MAX_UPLOAD_FILE_BYTES + 1024 * 1024;

export interface UploadOptions {
  uploadDir: string;
  bodyReadTimeoutMs: number;
}

/** The client's filename reduced to what follows its last `/`. */
export function uploadBasename(clientName: string): string {
  return clientName.slice(clientName.lastIndexOf('/') + 1);
}

type FilePart = Exclude<ReturnType<FormData['get']>, string | null>;

async function readFilePart(c: Context, timeoutMs: number): Promise<FilePart> {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    throw new HttpProblem(
      'validation_failed',
      422,
      "cannot read multipart form: request Content-Type isn't multipart/form-data",
    );
  }
  const raw = await readLimitedBody(c.req.raw, { limit: MAX_UPLOAD_BODY_BYTES, timeoutMs });
  let form: FormData;
  try {
    form = await new Response(raw, { headers: { 'Content-Type': contentType } }).formData();
  } catch (err) {
    throw new HttpProblem('validation_failed', 422, `cannot read multipart form: ${causeText(err)}`);
  }
  const files = form.getAll('file').filter((v): v is FilePart => typeof v !== 'string');
  if (files.length === 0) throw validationFailed([{ message: 'File required', location: 'file' }]);
  if (files.length > 1) {
    throw validationFailed([{ message: 'Multiple files received but only one was expected', location: 'file' }]);
  }
  return files[0] as FilePart;
}

export async function handleUpload(c: Context, options: UploadOptions): Promise<Response> {
  const file = await readFilePart(c, options.bodyReadTimeoutMs);
  if (file.size > MAX_UPLOAD_FILE_BYTES) {
    throw new HttpProblem('file_too_large', 400, 'file size exceeds 10MB limit');
  }
  const name = uploadBasename(file.name);
  if (name === '' || name === '.' || name === '..') {
    throw validationFailed([{ message: 'invalid file name', location: 'file', value: file.name }]);
  }
  const content = new Uint8Array(await file.arrayBuffer());
  const checksum = createHash('sha256').update(content).digest('hex').slice(0, 16);
  const dir = path.join(options.uploadDir, checksum);
  const outPath = path.join(dir, name);
  try {
    await mkdir(dir, { recursive: true, mode: 0o755 });
    await chmod(dir, 0o755);
  } catch (err) {
    throw unexpectedError(`failed to create upload directory: ${causeText(err)}`);
  }
  try {
    await writeFile(outPath, content, { mode: 0o644 });
    // The mode option is filtered by the umask and ignored for existing files.
    await chmod(outPath, 0o644);
  } catch (err) {
    throw unexpectedError(`failed to write file: ${causeText(err)}`);
  }
  return schemaJsonResponse(c, 'UploadResponseBody', { ok: true, filePath: path.resolve(outPath) });
}
