import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { TestApp } from '../support/app.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import { openBrowser, signIn, startWebApp, type TestBrowser } from './browser.js';

const WEB = join(process.cwd(), 'dist', 'web');
const BUDGET = 250 * 1024;

type Manifest = Record<string, { file: string; isEntry?: boolean; imports?: string[]; css?: string[] }>;

/** The JavaScript a first visit loads before any screen: the entry chunk and its static imports (not lazy screens). */
function initialJs(manifest: Manifest): { files: string[]; gzipBytes: number } {
  const entry = Object.entries(manifest).find(([, c]) => c.isEntry);
  if (!entry) throw new Error('no entry in the build manifest');
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const k of manifest[key]?.imports ?? []) visit(k);
  };
  visit(entry[0]);
  const files = [...seen].map((k) => manifest[k].file);
  const gzipBytes = files.reduce((n, f) => n + gzipSync(readFileSync(join(WEB, f))).length, 0);
  return { files, gzipBytes };
}

/** The built client as the API serves it: caching, the SPA fallback, its security headers, sessions in a browser. */
describe('web client: build and serving', () => {
  let app: TestApp;
  let gt: TestUser;
  let browser: TestBrowser;

  beforeAll(async () => {
    app = await startWebApp();
    const admin = await loginAdmin(app.url);
    gt = await officer(admin, 'GT', ['smuggling-trafficking'], { displayName: 'Ana López' });
    // the content security policy is enforced in this browser
    browser = await openBrowser({ bypassCSP: false });
  });

  afterAll(async () => {
    if (browser?.errors.length) console.log(`browser errors:\n${browser.errors.join('\n')}`);
    await browser?.close();
    await app?.close();
  });

  it('initial JavaScript stays under 250 KB gzip (read from the Vite build manifest)', () => {
    const manifest: Manifest = JSON.parse(readFileSync(join(WEB, '.vite', 'manifest.json'), 'utf8'));
    const { files, gzipBytes } = initialJs(manifest);
    expect(files.length).toBeGreaterThan(0);
    expect(gzipBytes).toBeLessThan(BUDGET);
    // screens load when opened: the initial files are not the whole client
    expect(Object.values(manifest).filter((c) => c.file.endsWith('.js')).length).toBeGreaterThan(
      files.length,
    );
  });

  it('serves index.html uncached at / and at client paths such as /follow-ups/:id, hashed assets for a year', async () => {
    const root = await fetch(`${app.url}/`);
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toMatch(/text\/html/);
    expect(root.headers.get('cache-control')).toBe('no-cache');
    expect(root.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(root.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await root.text();
    expect(html).toContain('<div id="root">');

    const deep = await fetch(`${app.url}/follow-ups/3f1c2a7e-2f7b-4c4e-9a51-0f5b1b1f2d3c`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(html);

    const asset = html.match(/\/assets\/[^"]+\.js/)![0];
    const js = await fetch(`${app.url}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-type')).toMatch(/javascript/);
  });

  it('leaves /api, /socket.io, missing assets and the build manifest alone', async () => {
    const api = await fetch(`${app.url}/api/no-such-route`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as any).error.code).toBeDefined();
    expect((await fetch(`${app.url}/assets/missing-abc123.js`)).status).toBe(404);
    expect((await fetch(`${app.url}/.vite/manifest.json`)).status).toBe(404);
    const post = await fetch(`${app.url}/follow-ups/x`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect(await post.text()).not.toContain('<div id="root">');
    const sock = await fetch(`${app.url}/socket.io/?EIO=4&transport=polling`);
    expect(sock.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
  });

  it('runs under its content security policy; a reload keeps the page; an ended session signs in and comes back', async () => {
    const page = browser.page;
    await signIn(page, app.url, gt, '/board');
    await page.waitForURL(/\/board/);
    await page.getByRole('heading', { name: 'Follow-up board', level: 1 }).waitFor();
    expect(browser.errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
    // styles from the stylesheet apply (the policy allows this origin's CSS)
    const bg = await page
      .locator('header.top')
      .evaluate((el) => (globalThis as any).getComputedStyle(el).backgroundColor);
    expect(bg).toBe('rgb(246, 248, 250)');

    await page.reload();
    await page.getByRole('heading', { name: 'Follow-up board', level: 1 }).waitFor();
    expect(page.url()).toMatch(/\/board/);

    // the session ends elsewhere (signed out from another place): the page sends the user to sign in, then back
    const refreshToken = await page.evaluate(() =>
      (globalThis as any).sessionStorage.getItem('enlace.refresh'),
    );
    expect(refreshToken).toBeTruthy();
    const out = await fetch(`${app.url}/api/auth/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    expect(out.status).toBe(204);
    await page.waitForURL(/\/sign-in\?expired=1/);
    await page.getByText('Your session has ended. Please sign in again.').waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toMatch(/^\/board/);
    await page.getByLabel('Email').fill(gt.email);
    await page.getByLabel('Password').fill(gt.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/board/);
    await page.getByRole('heading', { name: 'Follow-up board', level: 1 }).waitFor();
  });
});
