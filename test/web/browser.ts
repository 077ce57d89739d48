import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { TestUser } from '../factories/users.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { freePort } from '../support/process.js';

/**
 * The service in this process on a known port, so that PUBLIC_URL (and with it the allowed Origin of browsers and
 * sockets) is the address the browsers open.
 */
export async function startWebApp(env: Record<string, string> = {}): Promise<TestApp> {
  const port = await freePort();
  return startTestApp({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ...env } });
}

/** Debian's Chromium (`.ci/run` installs it with apt when missing). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };
export const SCREENSHOTS = join(process.cwd(), 'docs', 'screenshots');

const AXE_SOURCE: string = createRequire(import.meta.url)('axe-core').source;

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Errors the pages reported (uncaught exceptions, console errors): shown when a test fails. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * One Chromium per person (two officers are two browsers), each with a fresh profile in a new temporary folder:
 * headless, no sandbox (CI runs as root), no background networking, updates or sync.
 */
export async function openBrowser(
  options: { bypassCSP?: boolean; timezoneId?: string; locale?: string } = {},
): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'enlace-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: DESKTOP,
    locale: options.locale ?? 'en-US',
    timezoneId: options.timezoneId ?? 'America/Guatemala',
    // axe-core is injected as an inline script, which the client's content security policy refuses
    bypassCSP: options.bypassCSP ?? true,
    acceptDownloads: true,
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  const watch = (p: Page) => {
    p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    p.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
    p.on(
      'response',
      (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.request().method()} ${r.url()}`),
    );
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in through the sign-in screen and waits for the main menu. */
export async function signIn(
  page: Page,
  baseUrl: string,
  user: Pick<TestUser, 'email' | 'password'>,
  path = '/',
) {
  await page.goto(`${baseUrl}${path}`);
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel(/^(Email|Correo electrónico)$/).fill(user.email);
  await page.getByLabel(/^(Password|Contraseña)$/).fill(user.password);
  await page.getByRole('button', { name: /^(Sign in|Entrar)$/ }).click();
  await page.getByRole('navigation', { name: /Main menu|Menú principal/ }).waitFor();
}

/** axe-core in the page: the serious and critical violations of what is shown, as readable lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  // page functions run in the browser (globalThis is its window)
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ content: AXE_SOURCE });
  const result: {
    violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: unknown }> }>;
  } = await page.evaluate(() =>
    (globalThis as any).axe.run((globalThis as any).document, { resultTypes: ['violations'] }),
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
    );
}

/** The screen at desktop and phone width, into docs/screenshots (shown in the README). */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.evaluate(() => (globalThis as any).scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-desktop.png`) });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-360.png`), fullPage: false });
  await page.setViewportSize(DESKTOP);
}

/** Accessibility check and screenshots of one screen once it shows `ready`. */
export async function checkScreen(page: Page, name: string): Promise<string[]> {
  const violations = await axeViolations(page);
  await screenshots(page, name);
  // the narrow layout is checked too (reflow, target sizes, hidden overflow)
  await page.setViewportSize(PHONE);
  const narrow = await axeViolations(page);
  await page.setViewportSize(DESKTOP);
  return [...violations.map((v) => `${name}: ${v}`), ...narrow.map((v) => `${name} (360 px): ${v}`)];
}
