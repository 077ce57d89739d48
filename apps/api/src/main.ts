import 'reflect-metadata';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig } from '#config';
import { assertCanListen } from './common/listen-check.js';
import type { EarlyEmbeddedDatabase, Runtime } from './runtime.js';

/** The whole stop, from SIGTERM to exit, stays under 10 s (API.md), also under load: what is not done by then is cut. */
const SHUTDOWN_DEADLINE_MS = 9_000;

/** Entry point of the service: ROLE=all (default) runs API and worker in this process, ROLE=api or ROLE=worker one. */
export async function main(roleOverride?: 'worker'): Promise<void> {
  let config;
  try {
    config = loadConfig(undefined, roleOverride ? { ROLE: roleOverride } : {});
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  let runtime: Runtime;
  // The embedded PostgreSQL server (its own process) starts while the service's modules load: both take a second or so.
  let early: EarlyEmbeddedDatabase | undefined;
  try {
    if (!config.databaseUrl) {
      // a busy port stops the service before anything starts (the runtime checks again before it listens)
      if (config.role !== 'worker') await assertCanListen(config.host, config.port);
      const { startEmbeddedPostgres } = await import('#database/embedded');
      const pending: EarlyEmbeddedDatabase = { lines: [], started: undefined as never };
      pending.started = startEmbeddedPostgres(config.dataDir, (line) =>
        pending.log ? pending.log(line) : pending.lines.push(line),
      );
      pending.started.catch(() => undefined);
      early = pending;
    }
    // loaded after the configuration is known to be valid, so a bad value fails fast
    const { startRuntime } = await import('./runtime.js');
    runtime = await startRuntime(config, { embedded: early });
  } catch (error: any) {
    process.stderr.write(`Enlace could not start: ${error?.message ?? String(error)}\n`);
    await (await early?.started.catch(() => undefined))?.stop();
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal} received: stopping\n`);
    const force = setTimeout(() => {
      process.stderr.write(`shutdown not finished after ${SHUTDOWN_DEADLINE_MS} ms: exiting\n`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    force.unref();
    runtime
      .close()
      .then(() => process.exit(0))
      .catch((error) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

const entry = process.argv[1] ? pathToFileURL(realpathSync(process.argv[1])).href : '';
if (import.meta.url === entry) void main();
