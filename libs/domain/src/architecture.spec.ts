import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The domain declares ports for infrastructure; it never imports the queue, the mailer, HTTP or socket.io. */
const FORBIDDEN = [
  '#queue',
  '#mail',
  '#realtime',
  '#metrics',
  'bullmq',
  'nodemailer',
  'socket.io',
  '@nestjs/platform-express',
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('libs/domain boundaries', () => {
  const root = dirname(fileURLToPath(import.meta.url));
  const files = sources(root);

  it('finds the sources it checks', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it.each(FORBIDDEN)('no source imports %s', (name) => {
    const offenders = files.filter((f) =>
      [...readFileSync(f, 'utf8').matchAll(/(?:\bfrom\s+|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)].some(
        (m) => m[1] === name || m[1].startsWith(`${name}/`),
      ),
    );
    expect(offenders).toEqual([]);
  });
});
