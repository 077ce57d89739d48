import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import pg from 'pg';
import { freePort, spawnService, waitHealthy, type ServiceProcess } from '../support/process.js';
import { Http } from '../support/http.js';
import { createUser, login } from '../factories/users.js';
import { createTestDatabase, TEST_JWT_SECRET } from '../support/env.js';

const CLI = join(process.cwd(), 'dist', 'apps', 'api', 'src', 'cli.js');
const ADMIN = { email: 'root@enlace.test', password: 'root-password-123' };

/** Runs the operator CLI as an operator would (`npm run cli -- …`), on a DATA_DIR with the embedded default. */
function cli(
  dataDir: string,
  args: string[],
  env: Record<string, string> = {},
  input?: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', DATA_DIR: dataDir, ...env },
    });
    child.stdin.end(input ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * Backups of the embedded default: a populated instance is backed up (`npm run cli -- backup`), restored into a
 * fresh DATA_DIR (`restore`) and started: the same users, messages, cases and sessions.
 */
describe('backup and restore of the embedded default', () => {
  const root = mkdtempSync(join(tmpdir(), 'enlace-backup-'));
  chmodSync(root, 0o755); // the postgres user (when running as root) must reach the clusters
  const first = join(root, 'first');
  const second = join(root, 'second');
  const file = join(root, 'enlace.backup');
  const started: ServiceProcess[] = [];
  const start = async (dataDir: string, env: Record<string, string> = {}) => {
    const p = spawnService({ PORT: String(await freePort()), DATA_DIR: dataDir, ...env });
    started.push(p);
    await waitHealthy(p, 60_000);
    return p;
  };
  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop('SIGKILL')));
  });

  it('restores the same users, messages, cases and sessions into a fresh DATA_DIR', async () => {
    const original = await start(first, { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    const admin = new Http(
      original.url,
      (await login(original.url, ADMIN.email, ADMIN.password)).accessToken,
    );
    const ana = await createUser(admin, {
      country: 'GT',
      memberships: [{ network: 'smuggling-trafficking', role: 'officer' }],
    });
    const channels = (await ana.http.get('/api/networks/smuggling-trafficking/channels')).body;
    const general = channels.find((c: any) => c.name === 'general').id;
    for (const body of ['primer mensaje', 'second message', 'tercer mensaje: tráfico']) {
      const r = await ana.http.post(`/api/channels/${general}/messages`, {
        body,
        clientMessageId: randomUUID(),
      });
      expect(r.status).toBe(201);
    }
    const kase = await ana.http.post('/api/networks/smuggling-trafficking/cases', {
      title: 'Caso de prueba',
      type: 'trafficking-in-persons',
      handling: 'involved',
      countries: ['GT'],
      summary: 'Resumen del caso',
    });
    expect(kase.status).toBe(201);
    await ana.http.post(`/api/cases/${kase.body.id}/messages`, {
      body: 'thread note',
      clientMessageId: randomUUID(),
    });
    const read = async (http: Http) => ({
      users: (await http.get('/api/admin/users')).body.map((u: any) => [u.email, u.country]).sort(),
    });
    const readOfficer = async (http: Http) => ({
      messages: (await http.get(`/api/channels/${general}/messages`)).body.map((m: any) => [m.seq, m.body]),
      case: (await http.get(`/api/cases/${kase.body.id}`)).body,
      thread: (await http.get(`/api/cases/${kase.body.id}/messages`)).body.map((m: any) => [m.seq, m.body]),
      search: (await http.get('/api/search?q=trafico')).body.results.length,
    });
    const before = { ...(await read(admin)), ...(await readOfficer(ana.http)) };
    expect(before.messages).toHaveLength(3);
    expect(before.thread.length).toBeGreaterThan(1);
    expect(await original.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    const backup = await cli(first, ['backup', file]);
    expect(backup.stderr).not.toMatch(/error/);
    expect(backup.status).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ file });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // a damaged or cut file is refused before anything is touched
    const cut = join(root, 'cut.backup');
    const lines = gunzipSync(readFileSync(file)).toString().split('\n');
    writeFileSync(cut, gzipSync(lines.slice(0, Math.floor(lines.length / 2)).join('\n')));
    const refused = await cli(second, ['restore', cut]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('error: the backup file is incomplete');

    const restore = await cli(second, ['restore', file]);
    expect(restore.stderr).not.toMatch(/error/);
    expect(restore.status).toBe(0);
    expect(JSON.parse(restore.stdout)).toMatchObject({ jwtSecret: 'restored into DATA_DIR' });
    expect(readFileSync(join(second, 'jwt-secret'), 'utf8')).toBe(
      readFileSync(join(first, 'jwt-secret'), 'utf8'),
    );
    const again = await cli(second, ['restore', file]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('the database is not empty');

    const restored = await start(second);
    // the officer's session of the first instance still works (same secret, same session rows)
    const sameSession = new Http(restored.url, ana.token);
    expect((await sameSession.get('/api/me')).body).toMatchObject({ email: ana.email });
    const admin2 = new Http(
      restored.url,
      (await login(restored.url, ADMIN.email, ADMIN.password)).accessToken,
    );
    expect((await admin2.get('/api/admin/audit?action=backup.restored')).body).toHaveLength(1);
    const ana2 = new Http(restored.url, (await login(restored.url, ana.email, ana.password)).accessToken);
    expect({ ...(await read(admin2)), ...(await readOfficer(ana2)) }).toEqual(before);
    // seqs go on from where they were
    const next = await ana2.post(`/api/channels/${general}/messages`, {
      body: 'after',
      clientMessageId: randomUUID(),
    });
    expect(next.body.seq).toBe(4);
    expect(await restored.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 300_000);

  it('with DATABASE_URL: no secret unless it is the one in DATA_DIR, a newer backup and a used database refused, --force replaces', async () => {
    const [a, b] = [await createTestDatabase(), await createTestDatabase()];
    const dir = mkdtempSync(join(tmpdir(), 'enlace-backup-url-'));
    const on = (db: { url: string }) => ({ DATABASE_URL: db.url, JWT_SECRET: TEST_JWT_SECRET });
    try {
      const created = await cli(
        dir,
        ['user:create', '--email', 'eva@example.org', '--name', 'Eva', '--country', 'SV', '--password-stdin'],
        on(a),
        'a-long-password-123\n',
      );
      expect(created.status).toBe(0);
      const dump = join(dir, 'a.backup');
      expect((await cli(dir, ['backup', dump], on(a))).status).toBe(0);
      const header = JSON.parse(gunzipSync(readFileSync(dump)).toString().split('\n')[0].slice(2));
      expect(header.jwtSecret).toBeUndefined(); // JWT_SECRET is set: the operator keeps it

      // a backup of a newer version (a migration this build does not know) is refused, nothing changes
      const lines = gunzipSync(readFileSync(dump)).toString().split('\n');
      const newer = join(dir, 'newer.backup');
      lines[0] = `H\t${JSON.stringify({ ...header, migrations: [...header.migrations, 'Future1999999999999'] })}`;
      writeFileSync(newer, gzipSync(lines.join('\n')));
      const refused = await cli(dir, ['restore', newer], on(b));
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('another version of Enlace (migration Future1999999999999');

      expect((await cli(dir, ['restore', dump], on(b))).status).toBe(0);
      expect((await cli(dir, ['restore', dump], on(b))).stderr).toContain('the database is not empty');
      const forced = await cli(dir, ['restore', dump, '--force'], on(b));
      expect(forced.stderr).toContain('dropping the existing schema (--force)');
      expect(JSON.parse(forced.stdout)).toMatchObject({ jwtSecret: 'not in the backup' });
      const users = JSON.parse((await cli(dir, ['users:list'], on(b))).stdout);
      expect(users.map((u: any) => u.email)).toEqual(['eva@example.org']);
      // the export is audited where it was made, the restore where it landed
      const actions = async (db: { url: string }) => {
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        const { rows } = await c.query(
          `SELECT action, request_id FROM audit_log WHERE action LIKE 'backup.%' ORDER BY id`,
        );
        await c.end();
        return rows.map((r) => [r.action, r.request_id.startsWith('cli:')]);
      };
      expect(await actions(a)).toEqual([['backup.created', true]]);
      expect(await actions(b)).toEqual([['backup.restored', true]]);
    } finally {
      await a.drop();
      await b.drop();
    }
  }, 180_000);
});
