import { jest } from '@jest/globals';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import { until } from '../follow-ups/helpers.js';
import { startApiProcess } from '../messaging/cluster-support.js';
import { connect } from '../messaging/support.js';
import { ADMIN } from '../support/env.js';
import { Http } from '../support/http.js';
import type { ServiceProcess } from '../support/process.js';
import { FaultClient } from './clients.js';
import { expectChannelIntact, ST } from './scenario.js';
import { PostgresServer } from './servers.js';

jest.setTimeout(180_000);

/** Resolves with the answer and how long it took: a request during the outage must answer, not hang. */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

/**
 * PostgreSQL restarted under the service (a PostgreSQL server of the test's own, fast shutdown then start again on
 * the same port): while it is down every request answers 503 in the error shape within seconds (REST, socket acks,
 * the socket handshake, login), health says 503; once it is back the service resumes by itself, and nothing
 * acknowledged before or retried during the outage is lost or stored twice.
 */
describe('faults: PostgreSQL restarted under an API process', () => {
  let pg: PostgresServer;
  let databaseUrl: string;
  let api: ServiceProcess;
  let gt: TestUser;
  let mx: TestUser;
  let channelId: string;
  let reader: FaultClient;
  let writer: FaultClient;

  beforeAll(async () => {
    pg = await PostgresServer.start();
    databaseUrl = await pg.createDatabase('enlace_faults');
    api = await startApiProcess(databaseUrl, { ROLE: 'all' });
    const admin = await loginAdmin(api.url);
    [gt, mx] = await Promise.all([officer(admin, 'GT'), officer(admin, 'MX', [ST], { locale: 'es' })]);
    const channels = await gt.http.get(`/api/networks/${ST}/channels`);
    channelId = channels.body.find((c: any) => c.name === 'general').id;
    [reader, writer] = await Promise.all([
      FaultClient.open([api.url], mx.token, channelId),
      FaultClient.open([api.url], gt.token, channelId),
    ]);
  });

  afterAll(async () => {
    reader?.close();
    writer?.close();
    await api?.stop();
    await pg?.close();
  });

  it('answers 503 SERVICE_UNAVAILABLE while PostgreSQL is down and resumes by itself when it is back', async () => {
    const before = await writer.send('before the restart');
    await until(() => reader.live.has(before.id), 'the first message at the reader');

    await pg.down();
    const downAt = Date.now();

    const health = await timed(() => fetch(`${api.url}/api/health`));
    expect(health.value.status).toBe(503);
    expect(await health.value.json()).toMatchObject({
      status: 'unavailable',
      checks: { database: 'down', queue: 'ok' },
    });

    const http = new Http(api.url, gt.token);
    const answers = await Promise.all([
      timed(() => http.get(`/api/networks/${ST}/channels`)),
      timed(() =>
        http.post(`/api/channels/${channelId}/messages`, { body: 'lost?', clientMessageId: 'pg-1' }),
      ),
      // the user's locale is in the database: the browser's Accept-Language picks the language meanwhile
      timed(() =>
        new Http(api.url, mx.token).get(`/api/channels/${channelId}/messages?afterSeq=0`, {
          'accept-language': 'es-MX,es;q=0.9',
        }),
      ),
      // a login must not say "wrong password" because the database is away
      timed(() =>
        new Http(api.url).post('/api/auth/login', { email: ADMIN.email, password: ADMIN.password }),
      ),
    ]);
    for (const { value, ms } of answers) {
      expect({ status: value.status, code: value.body?.error?.code }).toEqual({
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
      });
      expect(typeof value.body.error.message).toBe('string');
      expect(value.headers.get('retry-after')).toBe('5');
      expect(ms).toBeLessThan(16_000);
    }
    // in the caller's language
    expect(answers[2].value.body.error.message).toMatch(/servicio no está disponible/);

    // the socket: an ack in the error shape, and a new connection told to come back (not "unauthorized")
    const ack = await writer.socket
      .timeout(20_000)
      .emitWithAck('message.send', { channelId, body: 'lost?', clientMessageId: 'pg-2' });
    expect(ack).toMatchObject({
      ok: false,
      error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) },
    });
    await expect(connect(api.url, gt.token)).rejects.toThrow('SERVICE_UNAVAILABLE');

    // a client keeps trying its message (same clientMessageId) through the outage
    const retried = writer.send('sent during the outage');

    await pg.up();
    const upAt = Date.now();
    await until(
      async () => (await fetch(`${api.url}/api/health`)).status === 200,
      'health 200 after PostgreSQL is back',
      30_000,
      200,
    );
    const resumedMs = Date.now() - upAt;
    const stored = await retried;
    const after = await http.post(`/api/channels/${channelId}/messages`, {
      body: 'after',
      clientMessageId: 'pg-3',
    });
    expect(after.status).toBe(201);
    await until(() => reader.live.has(after.body.id), 'the message after the restart at the reader');
    expect(reader.live.has(stored.id)).toBe(true);

    // what the refused requests named was never stored; everything acknowledged is, once
    const rows = await expectChannelIntact(databaseUrl, channelId, [reader, writer]);
    expect(rows.map((r) => r.clientMessageId)).not.toContain('pg-1');
    expect(rows.map((r) => r.clientMessageId)).not.toContain('pg-2');
    expect(api.child.exitCode).toBeNull();
    const again = await connect(api.url, mx.token);
    expect(again.connected).toBe(true);
    again.close();
    console.log(
      `faults: PostgreSQL down ${upAt - downAt} ms; the service answered 503 within ${Math.max(...answers.map((a) => a.ms))} ms and was healthy ${resumedMs} ms after PostgreSQL came back`,
    );
  });
});
