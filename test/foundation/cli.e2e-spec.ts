import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, TEST_JWT_SECRET } from '../support/env.js';

const CLI = join(process.cwd(), 'dist', 'apps', 'api', 'src', 'cli.js');

describe('the operator CLI (npm run cli)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const cli = (args: string[], input?: string) =>
    spawnSync(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, DATABASE_URL: db.url, JWT_SECRET: TEST_JWT_SECRET },
      input,
      encoding: 'utf8',
    });

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('lists its commands', () => {
    const help = cli(['--help']);
    expect(help.status).toBe(0);
    for (const command of [
      'user:create',
      'user:memberships',
      'users:list',
      'presidency:set',
      'presidency:show',
    ]) {
      expect(help.stdout).toContain(command);
    }
  });

  it('creates users (password from stdin), sets memberships and the PPT term, and audits it all', async () => {
    const created = cli(
      [
        'user:create',
        '--email',
        'Ana@Example.org',
        '--name',
        'Ana',
        '--country',
        'GT',
        '--locale',
        'es',
        '--member',
        'consular-protection:officer',
        '--password-stdin',
      ],
      'a-long-password-123\n',
    );
    expect(created.stderr).not.toContain('error');
    expect(created.status).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      email: 'ana@example.org',
      memberships: ['consular-protection:officer'],
    });

    const set = cli(['user:memberships', 'ana@example.org', '--member', 'smuggling-trafficking:observer']);
    expect(set.status).toBe(0);
    expect(JSON.parse(set.stdout).memberships).toEqual(['smuggling-trafficking:observer']);

    const term = cli(['presidency:set', '--country', 'GT', '--from', '2026-01-01', '--to', '2026-12-31']);
    expect(term.status).toBe(0);
    expect(JSON.parse(term.stdout)).toMatchObject({
      country: 'GT',
      startsOn: '2026-01-01',
      endsOn: '2026-12-31',
    });

    const bad = cli(['presidency:set', '--country', 'AR', '--from', '2027-01-01', '--to', '2027-12-31']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/error: .*country/);

    const badMember = cli(['user:memberships', 'ana@example.org', '--member', 'nowhere:officer']);
    expect(badMember.status).not.toBe(0);

    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const { rows } = await c.query(`SELECT action, request_id FROM audit_log ORDER BY id`);
    await c.end();
    expect(rows.map((r) => r.action)).toEqual([
      'account.created',
      'membership.set',
      'membership.set',
      'presidency.term.set',
    ]);
    expect(rows.every((r) => r.request_id.startsWith('cli:'))).toBe(true);
  });

  it('without a terminal asks for --password-stdin and creates nothing', () => {
    const r = cli(['user:create', '--email', 'nobody@example.org', '--name', 'N'], 'a-long-password-123\n');
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('error: no terminal to ask for the password: pipe it with --password-stdin');
    const list = cli(['users:list']);
    expect(list.stdout).not.toContain('nobody@example.org');
  });

  it('on a terminal asks twice at a prompt that does not echo the password', async () => {
    // `script` gives the CLI a pseudo-terminal; the test types each answer once its prompt shows
    const command = [
      process.execPath,
      CLI,
      'user:create',
      '--email',
      'tty@example.org',
      '--name',
      'Tty',
    ].join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { PATH: process.env.PATH, DATABASE_URL: db.url, JWT_SECRET: TEST_JWT_SECRET },
    });
    let out = '';
    let answered = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const prompts = out.match(/password( again)?: /g)?.length ?? 0;
      for (; answered < prompts; answered++) child.stdin.write('typed-secret-4567\r');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(answered).toBe(2);
    expect(out).not.toContain('typed-secret-4567');
    expect(out).toContain('"email": "tty@example.org"');
  });
});
