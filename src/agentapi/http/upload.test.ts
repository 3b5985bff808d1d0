import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UPLOAD_FILE_BYTES, uploadBasename } from './upload.js';
import { schemaErrors, send, startTestServer, type TestServer } from './testdata/harness.js';

interface UploadBody {
  $schema: string;
  ok: boolean;
  filePath: string;
}

describe('uploadBasename', () => {
  it.each([
    ['x.txt', 'x.txt'],
    ['../../x.txt', 'x.txt'],
    ['/etc/passwd', 'passwd'],
    ['dir/', ''],
    ['a\\b.txt', 'a\\b.txt'],
  ])('%j → %j', (input, expected) => {
    expect(uploadBasename(input)).toBe(expected);
  });
});

describe('POST /upload', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(() => srv.close());

  const upload = (form: FormData): Promise<Response> =>
    fetch(`${srv.base}/upload`, { method: 'POST', body: form });

  const fileForm = (content: Uint8Array, filename: string): FormData => {
    const form = new FormData();
    form.append('file', new Blob([content]), filename);
    return form;
  };

  it('stores exactly 10 MiB under <sha256 prefix>/<name> with modes 0755/0644', async () => {
    const content = new Uint8Array(MAX_UPLOAD_FILE_BYTES).fill(7);
    expect(content.byteLength).toBe(10_485_760);
    const res = await upload(fileForm(content, 'big.bin'));
    expect(res.status).toBe(200);
    expect(res.headers.get('link')).toBe('</schemas/UploadResponseBody.json>; rel="describedBy"');
    const text = await res.text();
    expect(text.startsWith('{"$schema":')).toBe(true);
    const body = JSON.parse(text) as UploadBody;
    expect(Object.keys(body)).toEqual(['$schema', 'ok', 'filePath']);
    expect(schemaErrors('UploadResponseBody', body)).toEqual([]);
    const hash = createHash('sha256').update(content).digest('hex').slice(0, 16);
    expect(body.filePath).toBe(path.join(srv.uploadDir, hash, 'big.bin'));
    expect(path.isAbsolute(body.filePath)).toBe(true);
    const fileStat = await stat(body.filePath);
    expect(fileStat.size).toBe(content.byteLength);
    expect(fileStat.mode & 0o777).toBe(0o644);
    expect((await stat(path.dirname(body.filePath))).mode & 0o777).toBe(0o755);
  });

  it('10 MiB + 1 → 400 "file size exceeds 10MB limit"', async () => {
    const res = await upload(fileForm(new Uint8Array(MAX_UPLOAD_FILE_BYTES + 1), 'too-big.bin'));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ title: 'Bad Request', status: 400, detail: 'file size exceeds 10MB limit' });
    expect(schemaErrors('ErrorModel', body)).toEqual([]);
  });

  it('keeps only the basename of the client filename', async () => {
    const content = new TextEncoder().encode('escape attempt');
    const res = await upload(fileForm(content, '../../x.txt'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as UploadBody;
    expect(path.basename(body.filePath)).toBe('x.txt');
    expect(path.dirname(path.dirname(body.filePath))).toBe(srv.uploadDir);
    expect(await readFile(body.filePath, 'utf8')).toBe('escape attempt');
  });

  it('a missing file part → 422 File required', async () => {
    const form = new FormData();
    form.append('other', 'value');
    const res = await upload(form);
    expect(res.status).toBe(422);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      title: 'Unprocessable Entity',
      detail: 'validation failed',
      errors: [{ message: 'File required', location: 'file' }],
    });
    expect(schemaErrors('ErrorModel', body)).toEqual([]);
  });

  it.each([
    ['application/json', '{"file":"x"}'],
    ['text/plain', 'hello'],
  ])('a non-multipart body (%s) → 422', async (contentType, body) => {
    const res = await send(srv.port, { method: 'POST', path: '/upload', headers: { 'Content-Type': contentType }, body });
    expect(res.status).toBe(422);
    expect(res.json()).toMatchObject({ title: 'Unprocessable Entity', status: 422 });
    expect(schemaErrors('ErrorModel', res.json())).toEqual([]);
  });

  it('a malformed multipart body → 422', async () => {
    const res = await send(srv.port, {
      method: 'POST',
      path: '/upload',
      headers: { 'Content-Type': 'multipart/form-data; boundary=abc' },
      body: 'not multipart at all',
    });
    expect(res.status).toBe(422);
  });

  it('a filename with no basename → 422', async () => {
    const res = await upload(fileForm(new Uint8Array(1), 'dir/'));
    expect(res.status).toBe(422);
  });
});
