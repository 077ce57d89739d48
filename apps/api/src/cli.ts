import 'reflect-metadata';
import { Command, Option } from 'commander';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { createInterface } from 'node:readline';
import { read } from 'read';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { ConfigError, loadConfig, storeJwtSecret, type AppConfig } from '#config';
import { backupDatabase, restoreDatabase, startEmbeddedPostgres, type EmbeddedDatabase } from '#database';
import {
  AccountsService,
  DomainError,
  NETWORK_SLUGS,
  OffboardingService,
  PresidencyService,
  RetentionService,
  type MembershipRole,
  type Principal,
  type RequestContext,
} from '#domain';
import { RootModule } from './root.module.js';

/**
 * The operator CLI: `npm run cli -- --help`. It runs against the same database as the service (with the embedded
 * default it connects to the running service's server, or starts the server for the duration of the command).
 */
const ctx: RequestContext = { actorId: null, ip: null, requestId: `cli:${userInfo().username}` };

function parseMembership(value: string, previous: Array<{ network: string; role: MembershipRole }> = []) {
  const [network, role = 'officer'] = value.split(':');
  if (!(NETWORK_SLUGS as readonly string[]).includes(network) || !['officer', 'observer'].includes(role)) {
    throw new Error(
      `--member takes <network>:<officer|observer> with network one of ${NETWORK_SLUGS.join(', ')}`,
    );
  }
  return [...previous, { network, role: role as MembershipRole }];
}

/**
 * The password of a new account: typed at a hidden prompt on a terminal (asked twice), or read as the first line of
 * standard input with `--password-stdin` (scripts). Never an argument: command lines end up in shell history and `ps`.
 */
async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    const rl = createInterface({ input: process.stdin, terminal: false });
    for await (const line of rl) {
      rl.close();
      return line.replace(/\r$/, '');
    }
    throw new Error('--password-stdin: no password on standard input');
  }
  if (!process.stdin.isTTY) {
    throw new Error('no terminal to ask for the password: pipe it with --password-stdin');
  }
  const ask = (prompt: string) =>
    read({ prompt, silent: true, replace: '', input: process.stdin, output: process.stderr });
  const password = await ask('password: ');
  if ((await ask('password again: ')) !== password) throw new Error('the two passwords differ');
  return password;
}

function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

const stderrLine = (line: string) => process.stderr.write(`${line}\n`);

/** The database URL: DATABASE_URL, or the embedded server (the running service's, or started for the command). */
async function withDatabase<T>(
  config: AppConfig,
  fn: (url: string, embedded?: EmbeddedDatabase) => Promise<T>,
): Promise<T> {
  if (config.databaseUrl) return fn(config.databaseUrl);
  const embedded = await startEmbeddedPostgres(config.dataDir, stderrLine);
  try {
    return await fn(embedded.url, embedded);
  } finally {
    await embedded.stop();
  }
}

async function withContext<T>(fn: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const config = configOrExit();
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(config.dataDir, stderrLine);
    databaseUrl = embedded.url;
  }
  const app = await NestFactory.createApplicationContext(
    RootModule.forRoot({
      config: { ...config, logLevel: 'warn', adminEmail: undefined },
      databaseUrl,
      api: false,
      worker: false,
    }),
    { logger: ['error', 'warn'] },
  );
  try {
    return await fn(app);
  } finally {
    await app.close();
    await embedded?.stop();
  }
}

function summary(u: Principal) {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    country: u.country,
    organization: u.organization,
    locale: u.locale,
    timezone: u.timezone,
    roles: u.roles,
    memberships: u.memberships.map(({ network, role }) => `${network}:${role}`),
  };
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

const program = new Command()
  .name('enlace')
  .description(
    'Enlace operator commands: accounts, memberships, the Presidency Pro-Tempore (PPT) term, retention, backups',
  )
  .showHelpAfterError();

program
  .command('user:create')
  .description('create an account; the password is asked at a hidden prompt, or read from standard input')
  .requiredOption('--email <email>')
  .requiredOption('--name <displayName>')
  .option('--password-stdin', 'read the password from the first line of standard input (scripts)')
  .option('--country <code>', 'ISO 3166 alpha-2 country code, e.g. GT')
  .option('--organization <code>', 'observer organization: IOM, UNHCR, ECLAC-CELADE, RNCOM')
  .addOption(new Option('--locale <locale>').choices(['en', 'es']).default('en'))
  .option('--timezone <tz>', 'IANA time zone', 'UTC')
  .addOption(new Option('--role <role...>', 'system roles').choices(['admin', 'secretariat']))
  .option('--member <network:role>', 'a network membership, repeatable', parseMembership, [])
  .action(async (o) => {
    const password = await readPassword(Boolean(o.passwordStdin));
    if (password.length < 12) throw new Error('the password must be at least 12 characters');
    await withContext(async (app) => {
      const user = await app.get(AccountsService).createUser(ctx, {
        email: o.email,
        password,
        displayName: o.name,
        country: o.country ?? null,
        organization: o.organization ?? null,
        locale: o.locale,
        timezone: o.timezone,
        roles: o.role ?? [],
        memberships: o.member,
      });
      print(summary(user));
    });
  });

program
  .command('user:memberships')
  .description("replace a user's network memberships (none given: remove them all)")
  .argument('<email>')
  .option('--member <network:role>', 'a network membership, repeatable', parseMembership, [])
  .action(async (email: string, o) => {
    await withContext(async (app) => {
      const accounts = app.get(AccountsService);
      const id = await accounts.findIdByEmail(email);
      if (!id) throw new Error(`no account with the email ${email}`);
      const user = await accounts.setMemberships(ctx, id, o.member, null);
      print(summary(user));
    });
  });

/**
 * Offboarding from the operator CLI: the same service as the administration route (sessions end, sign-in answers
 * ACCOUNT_DISABLED). The CLI has no socket.io server: each API process ends the account's live sockets by its session
 * sweep, within seconds.
 */
async function setDisabled(email: string, disabled: boolean): Promise<void> {
  await withContext(async (app) => {
    const id = await app.get(AccountsService).findIdByEmail(email);
    if (!id) throw new Error(`no account with the email ${email}`);
    const offboarding = app.get(OffboardingService);
    const user = disabled
      ? await offboarding.disable(ctx, id, null)
      : await offboarding.enable(ctx, id, null);
    print({ ...summary(user), disabledAt: user.disabledAt ? new Date(user.disabledAt).toISOString() : null });
  });
}

program
  .command('user:disable')
  .description('disable an account (offboarding): its sessions end, it cannot sign in, it gets no emails')
  .argument('<email>')
  .action((email: string) => setDisabled(email, true));

program
  .command('user:enable')
  .description('enable a disabled account: it may sign in again (the sessions that ended stay ended)')
  .argument('<email>')
  .action((email: string) => setDisabled(email, false));

const userGroup = program.command('user').description('`user disable <email>` / `user enable <email>`');
userGroup
  .command('disable')
  .description('the same as user:disable')
  .argument('<email>')
  .action((email: string) => setDisabled(email, true));
userGroup
  .command('enable')
  .description('the same as user:enable')
  .argument('<email>')
  .action((email: string) => setDisabled(email, false));

program
  .command('users:list')
  .description('list accounts with their country, roles and memberships')
  .action(async () => {
    await withContext(async (app) => {
      const users = await app.get(AccountsService).list();
      print(users.map(summary));
    });
  });

program
  .command('presidency:set')
  .description('set the PPT term of a member country (whole days, inclusive)')
  .requiredOption('--country <code>')
  .requiredOption('--from <YYYY-MM-DD>')
  .requiredOption('--to <YYYY-MM-DD>')
  .action(async (o) => {
    await withContext(async (app) => {
      print(
        await app.get(PresidencyService).setTerm(ctx, { country: o.country, startsOn: o.from, endsOn: o.to }),
      );
    });
  });

program
  .command('presidency:show')
  .description('show the current term and every term on record')
  .action(async () => {
    await withContext(async (app) => {
      const presidency = app.get(PresidencyService);
      print({ current: await presidency.currentTerm(), terms: await presidency.terms() });
    });
  });

program
  .command('retention:purge')
  .description('run the retention purge now (as the daily job does) and print what it deleted')
  .action(async () => {
    await withContext(async (app) => print(await app.get(RetentionService).purge(ctx)));
  });

program
  .command('backup')
  .description(
    'write a backup of the database (and the generated JWT secret) to <file>; the service may keep running',
  )
  .argument('<file>')
  .option('--no-secret', 'leave the JWT secret of DATA_DIR out (sessions and unsubscribe links then end)')
  .action(async (file: string, o: { secret: boolean }) => {
    const config = configOrExit();
    const target = resolve(file);
    const result = await withDatabase(config, (url) =>
      backupDatabase(url, target, {
        jwtSecret: o.secret && config.jwtSecretInDataDir ? config.jwtSecret : undefined,
        requestId: ctx.requestId!,
        progress: stderrLine,
      }),
    );
    print({ file: target, ...result });
  });

program
  .command('restore')
  .description(
    'restore a backup into this DATA_DIR (or DATABASE_URL), which must be empty; stop the service first',
  )
  .argument('<file>')
  .option('--force', 'replace everything the database holds')
  .action(async (file: string, o: { force?: boolean }) => {
    const config = configOrExit();
    const restored = await withDatabase(config, async (url, embedded) => {
      if (embedded && !embedded.owned)
        throw new Error('the service is running on this DATA_DIR: stop it before restoring');
      return restoreDatabase(url, resolve(file), {
        force: Boolean(o.force),
        requestId: ctx.requestId!,
        progress: stderrLine,
      });
    });
    let secret = 'not in the backup';
    if (restored.jwtSecret) {
      if (config.jwtSecretInDataDir) {
        storeJwtSecret(config.dataDir, restored.jwtSecret);
        secret = 'restored into DATA_DIR';
      } else secret = 'in the backup, not restored (JWT_SECRET is set)';
    }
    print({
      restored: resolve(file),
      createdAt: restored.createdAt,
      tables: restored.tables,
      rows: restored.rows,
      migrations: restored.migrations.length,
      jwtSecret: secret,
    });
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof DomainError) {
    const details = error.details?.map((d) => `${d.field ? `${d.field}: ` : ''}${d.message}`).join('; ');
    process.stderr.write(`error: ${error.message}${details ? ` (${details})` : ''}\n`);
  } else {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
