import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { AGENTAPI_COMPAT_VERSION } from '../version.js';
import { componentSchema, openApiDocument, renderOpenApi, SCHEMA_NAMES, type JsonObject } from './openapi.js';
import { loadFixture, schemaErrors, send, startTestServer, type TestServer } from './testdata/harness.js';

const fixture = loadFixture();

describe('openapi document', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(() => srv.close());

  it('has the upstream shape: 3.0.3, AgentAPI, 5 paths, 17 schemas, Transport acp+pty', () => {
    const doc = openApiDocument();
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.info).toMatchObject({ title: 'AgentAPI', version: AGENTAPI_COMPAT_VERSION });
    expect(Object.keys(doc.paths as JsonObject)).toHaveLength(5);
    expect(SCHEMA_NAMES).toHaveLength(17);
    expect(SCHEMA_NAMES).toContain('ScreenUpdateBody');
    expect(componentSchema('Transport').enum).toEqual(['acp', 'pty']);
  });

  it('renderOpenApi() sorts keys, indents by 2 and ends with a newline', () => {
    const text = renderOpenApi();
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.startsWith('{\n  "components": {\n    "schemas": {\n      "AgentStatus"')).toBe(true);
    expect(JSON.parse(text)).toEqual(openApiDocument());
  });

  it.skipIf(!fixture)('renderOpenApi() is byte-identical to the upstream fixture', () => {
    expect(renderOpenApi()).toBe(fixture?.text);
  });

  it('GET /openapi.json serves the rendered document', async () => {
    const res = await send(srv.port, { path: '/openapi.json' });
    expect(res.status).toBe(200);
    expect(res.body).toBe(renderOpenApi());
    expect(res.json()).toEqual(openApiDocument());
  });

  it.skipIf(!fixture)('parsed GET /openapi.json deep-equals the upstream fixture', async () => {
    const res = await send(srv.port, { path: '/openapi.json' });
    expect(res.json()).toEqual(fixture?.doc);
  });

  it('GET /openapi.yaml is the same document in YAML', async () => {
    const res = await send(srv.port, { path: '/openapi.yaml' });
    expect(res.status).toBe(200);
    expect(parseYaml(res.body)).toEqual(openApiDocument());
  });

  it.each(SCHEMA_NAMES)('GET /schemas/%s.json returns components.schemas entry', async (name) => {
    const res = await send(srv.port, { path: `/schemas/${name}.json` });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json()).toEqual(componentSchema(name));
  });

  it.each(['/schemas/Nope.json', '/schemas/StatusResponseBody', '/schemas/toString.json'])(
    'GET %s → 404',
    async (path) => {
      expect((await send(srv.port, { path })).status).toBe(404);
    },
  );

  it('the validators compile every component schema of our own document', () => {
    for (const name of SCHEMA_NAMES) expect(() => schemaErrors(name, {})).not.toThrow();
  });
});
