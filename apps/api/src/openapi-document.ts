import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '#config';
import { buildOpenApiDocument } from './common/openapi.js';
import { RootModule } from './root.module.js';

/**
 * `npm run docs:openapi`: writes docs/openapi.json from the controllers and DTOs, without a database (Nest's preview
 * mode builds the module graph but instantiates no provider). A test checks that the running service serves the
 * same document, so the file never drifts from the code.
 */
async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? 'docs/openapi.json');
  const config = loadConfig({ DATA_DIR: '/nonexistent', JWT_SECRET: 'x'.repeat(32), LOG_LEVEL: 'silent' });
  const app = await NestFactory.create<NestExpressApplication>(
    RootModule.forRoot({
      config,
      databaseUrl: 'postgres://unused@127.0.0.1/unused',
      api: true,
      worker: false,
    }),
    { preview: true, logger: false, abortOnError: false },
  );
  app.setGlobalPrefix('api');
  const document = buildOpenApiDocument(app);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
  await app.close();
  process.stdout.write(`wrote ${out} (${Object.keys(document.paths).length} paths)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`docs:openapi failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
