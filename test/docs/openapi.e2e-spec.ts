import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/app.js';
import { Http } from '../support/http.js';
import { loginAdmin, officer } from '../factories/users.js';

/**
 * docs/openapi.json is the API's documentation in the repository: it must be what the running service serves
 * (`npm run docs:openapi` rewrites it), every route must describe its answer and its errors, and the answers the
 * service really gives must fit the schemas (no missing required field, no field the document does not name).
 */
type Schema = Record<string, any>;

describe('the OpenAPI document', () => {
  let app: TestApp;
  let served: any;
  const committed = JSON.parse(readFileSync(join(process.cwd(), 'docs', 'openapi.json'), 'utf8'));

  beforeAll(async () => {
    app = await startTestApp();
    const res = await new Http(app.url).get('/api/docs-json');
    expect(res.status).toBe(200);
    served = res.body;
  });
  afterAll(async () => {
    await app?.close();
  });

  const operations = () =>
    Object.entries(served.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
    );

  it('is the one in docs/openapi.json (run `npm run docs:openapi` after changing a route or a DTO)', () => {
    expect(served).toEqual(committed);
  });

  it('gives every route a 2xx answer with a schema (204 without a body) and its errors as ErrorDto', () => {
    const problems: string[] = [];
    for (const { name, op } of operations()) {
      const codes = Object.keys(op.responses ?? {});
      const ok = codes.filter((c) => /^2\d\d$/.test(c));
      if (!ok.length) problems.push(`${name}: no 2xx answer`);
      for (const code of ok) {
        // JSON, or the one media type a route declares instead (text/calendar for the .ics routes)
        const content = op.responses[code].content ?? {};
        const schema = (content['application/json'] ?? Object.values<any>(content)[0])?.schema;
        if (code === '204' ? schema : !schema)
          problems.push(`${name}: ${code} ${schema ? 'has' : 'lacks'} a body`);
      }
      const errors = codes.filter((c) => /^4\d\d$/.test(c));
      if (!errors.length && name !== 'GET /api/health') problems.push(`${name}: no error answer`);
      for (const code of errors) {
        if (
          op.responses[code].content?.['application/json']?.schema?.$ref !== '#/components/schemas/ErrorDto'
        )
          problems.push(`${name}: ${code} is not an ErrorDto`);
      }
      if (op.security && !codes.includes('401')) problems.push(`${name}: needs a session but names no 401`);
    }
    expect(problems).toEqual([]);
  });

  it('marks nullable fields as nullable', () => {
    const props = (name: string) => served.components.schemas[name].properties;
    expect(props('MessageDto').editedAt.nullable).toBe(true);
    expect(props('MessageDto').caseId.nullable).toBe(true);
    expect(props('MessageDto').author.nullable).toBe(true);
    expect(props('MessageDto').seq.nullable).toBeUndefined();
    expect(props('UserDto').country.nullable).toBe(true);
    expect(props('FollowUpDto').description.nullable).toBe(true);
    expect(props('AssignmentDto').respondedAt.nullable).toBe(true);
    expect(served.components.schemas.ErrorDto.required).toEqual(['error']);
  });

  /** Where `value` does not fit `schema`: missing required fields, unnamed fields, wrong types, null where not nullable. */
  function misfits(value: unknown, schema: Schema, at = '$'): string[] {
    if (schema.$ref) return misfits(value, served.components.schemas[schema.$ref.split('/').pop()], at);
    if (value === null) return schema.nullable ? [] : [`${at}: null but not nullable`];
    if (schema.allOf) return schema.allOf.flatMap((s: Schema) => misfits(value, s, at));
    if (schema.type === 'array') {
      if (!Array.isArray(value)) return [`${at}: not an array`];
      return value.flatMap((v, i) => misfits(v, schema.items, `${at}[${i}]`));
    }
    if (schema.type === 'object' || schema.properties) {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: not an object`];
      if (schema.additionalProperties && !schema.properties) return [];
      const props: Record<string, Schema> = schema.properties ?? {};
      const obj = value as Record<string, unknown>;
      return [
        ...(schema.required ?? [])
          .filter((k: string) => !(k in obj))
          .map((k: string) => `${at}.${k}: required, missing`),
        ...Object.keys(obj)
          .filter((k) => !(k in props))
          .map((k) => `${at}.${k}: not in the document`),
        ...Object.entries(obj)
          .filter(([k]) => k in props)
          .flatMap(([k, v]) => misfits(v, props[k], `${at}.${k}`)),
      ];
    }
    const types: Record<string, string> = {
      string: 'string',
      number: 'number',
      integer: 'number',
      boolean: 'boolean',
    };
    if (schema.type && typeof value !== types[schema.type]) return [`${at}: not a ${schema.type}`];
    if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${String(value)} not in ${schema.enum}`];
    return [];
  }

  const answerSchema = (method: string, path: string, status: number) =>
    served.paths[path][method].responses[String(status)].content['application/json'].schema;

  it('describes the answers the service really gives', async () => {
    const admin = await loginAdmin(app.url);
    const gt = await officer(admin, 'GT', ['consular-protection']);
    const checks: Array<[string, string, { status: number; body: unknown }]> = [];
    const check = (method: string, path: string, res: { status: number; body: unknown }) =>
      checks.push([method, path, res]);

    check(
      'post',
      '/api/auth/login',
      await gt.http.post('/api/auth/login', { email: gt.email, password: gt.password }),
    );
    check('get', '/api/me', await gt.http.get('/api/me'));
    check('get', '/api/admin/users', await admin.get('/api/admin/users'));
    check('get', '/api/networks', await gt.http.get('/api/networks'));
    const channels = await gt.http.get('/api/networks/consular-protection/channels');
    check('get', '/api/networks/{slug}/channels', channels);
    const general = channels.body.find((c: any) => c.name === 'general').id;
    const sent = await gt.http.post(`/api/channels/${general}/messages`, {
      body: 'hello @GT',
      clientMessageId: 'openapi-1',
      requestAck: true,
    });
    check('post', '/api/channels/{id}/messages', sent);
    check('get', '/api/channels/{id}/messages', await gt.http.get(`/api/channels/${general}/messages`));
    check(
      'patch',
      '/api/messages/{id}',
      await gt.http.patch(`/api/messages/${sent.body.id}`, { body: 'edited' }),
    );
    check('get', '/api/messages/{id}/history', await gt.http.get(`/api/messages/${sent.body.id}/history`));
    await gt.http.post(`/api/messages/${sent.body.id}/ack`, {});
    check('get', '/api/messages/{id}/acks', await gt.http.get(`/api/messages/${sent.body.id}/acks`));
    const opened = await gt.http.post('/api/networks/consular-protection/cases', {
      title: 'Detained at the border',
      type: 'detention',
      handling: 'involved',
      countries: ['GT'],
      summary: 'A national detained',
    });
    check('post', '/api/networks/{slug}/cases', opened);
    check('get', '/api/cases/{id}', await gt.http.get(`/api/cases/${opened.body.id}`));
    check('get', '/api/networks/{slug}/cases', await gt.http.get('/api/networks/consular-protection/cases'));
    check('get', '/api/search', await gt.http.get('/api/search?q=border'));
    const today = new Date().toISOString().slice(0, 10);
    const term = await admin.put('/api/admin/presidency', { country: 'GT', startsOn: today, endsOn: today });
    check('put', '/api/admin/presidency', term);
    check('get', '/api/presidency', await gt.http.get('/api/presidency'));
    const item = await gt.http.post('/api/networks/consular-protection/follow-ups', {
      title: 'Send the consular contacts',
      dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      countries: ['GT'],
    });
    check('post', '/api/networks/{slug}/follow-ups', item);
    check(
      'get',
      '/api/networks/{slug}/follow-ups/board',
      await gt.http.get('/api/networks/consular-protection/follow-ups/board'),
    );
    check(
      'post',
      '/api/follow-ups/{id}/responses',
      await gt.http.post(`/api/follow-ups/${item.body.id}/responses`, { status: 'acknowledged' }),
    );
    check(
      'post',
      '/api/networks/{slug}/work-plan',
      await gt.http.post('/api/networks/consular-protection/work-plan', {
        title: 'Regional training',
        responsibleCountries: ['GT'],
        targetDate: '2030-06-30',
        status: 'planned',
      }),
    );
    check('get', '/api/admin/audit', await new Http(app.url, admin.token).get('/api/admin/audit?limit=5'));
    const notFound = await gt.http.get('/api/cases/00000000-0000-4000-8000-000000000000');
    expect(notFound.status).toBe(404);
    check('get', '/api/cases/{id}', notFound);

    const problems = checks.flatMap(([method, path, res]) => {
      const schema = served.paths[path]?.[method]?.responses[String(res.status)];
      if (!schema) return [`${method.toUpperCase()} ${path}: answered ${res.status}, not in the document`];
      return misfits(res.body, answerSchema(method, path, res.status)).map(
        (m) => `${method.toUpperCase()} ${path} ${res.status}: ${m}`,
      );
    });
    expect(problems).toEqual([]);
  });
});
