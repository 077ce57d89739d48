import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TestApp } from '../support/app.js';
import { loginAdmin, officer, type TestUser } from '../factories/users.js';
import { PDF, PNG } from '../attachments/support.js';
import { checkScreen, openBrowser, signIn, startWebApp, type TestBrowser } from './browser.js';

const ST = 'smuggling-trafficking';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Attachments in browsers (issue 12): in an `involved` case of GT and MX, the GT officer attaches a PDF with the
 * paperclip and drops an image on the composer; the MX officer's browser shows both files, previews the image and
 * downloads the PDF, whose bytes are the ones sent.
 */
describe('web client: attachments in a case thread', () => {
  let app: TestApp;
  let gt: TestUser;
  let mx: TestUser;
  let gtB: TestBrowser;
  let mxB: TestBrowser;
  let caseId: string;

  beforeAll(async () => {
    app = await startWebApp();
    const admin = await loginAdmin(app.url);
    gt = await officer(admin, 'GT', [ST], { displayName: 'Ana López' });
    mx = await officer(admin, 'MX', [ST], { displayName: 'Carlos Ruiz', timezone: 'America/Mexico_City' });
    const opened = await gt.http.post(`/api/networks/${ST}/cases`, {
      title: 'Orden judicial de retorno',
      type: 'migrant-smuggling',
      handling: 'involved',
      countries: ['GT', 'MX'],
      summary: 'Orden del juzgado para el retorno de un grupo.',
    });
    expect(opened.status).toBe(201);
    caseId = opened.body.id;
    [gtB, mxB] = await Promise.all([openBrowser(), openBrowser()]);
    await Promise.all([
      signIn(gtB.page, app.url, gt, `/cases/${caseId}`),
      signIn(mxB.page, app.url, mx, `/cases/${caseId}`),
    ]);
  });

  afterAll(async () => {
    const errors = [gtB, mxB].flatMap((b) => b?.errors ?? []);
    if (errors.length) console.log(`browser errors:\n${errors.join('\n')}`);
    await Promise.all([gtB?.close(), mxB?.close()]);
    await app?.close();
  });

  it('GT attaches a PDF and drops an image; MX sees both, previews the image and downloads the PDF', async () => {
    const page = gtB.page;
    await page.getByRole('heading', { name: 'Orden judicial de retorno' }).waitFor();
    // the paperclip opens the file picker
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: /Attach/ }).click(),
    ]);
    await chooser.setFiles({ name: 'orden-judicial.pdf', mimeType: 'application/pdf', buffer: PDF });
    // an image dropped on the composer
    const drop = await page.evaluateHandle((b64: string) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const w = globalThis as any;
      const dt = new w.DataTransfer();
      dt.items.add(new w.File([bytes], 'huella.png', { type: 'image/png' }));
      return dt;
    }, PNG.toString('base64'));
    await page.getByTestId('composer').dispatchEvent('dragover', { dataTransfer: drop });
    await page.getByTestId('composer').dispatchEvent('drop', { dataTransfer: drop });
    const chips = page.getByRole('list', { name: 'Files to send' });
    await chips.getByText('ready').nth(1).waitFor();
    await page.getByRole('textbox', { name: 'Message' }).fill('Copia de la orden y la huella');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const mine = page.getByRole('list', { name: 'Attached files' });
    await mine.getByText('orden-judicial.pdf').waitFor();

    // MX, listed on the case, gets it live
    const theirs = mxB.page.getByRole('list', { name: 'Attached files' });
    await theirs.getByText('orden-judicial.pdf').waitFor();
    await theirs.getByText('huella.png').waitFor();
    await mxB.page.getByRole('button', { name: 'Preview huella.png' }).click();
    const img = mxB.page.locator('img.preview');
    await img.waitFor();
    expect(await img.getAttribute('src')).toMatch(/^blob:/);
    await mxB.page.waitForFunction(
      () => (globalThis as any).document.querySelector('img.preview')?.naturalWidth === 1,
    );
    const violations = await checkScreen(mxB.page, 'case-attachments');
    const [download] = await Promise.all([
      mxB.page.waitForEvent('download'),
      mxB.page.getByRole('button', { name: 'Download orden-judicial.pdf' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('orden-judicial.pdf');
    expect(sha256(readFileSync((await download.path())!))).toBe(sha256(PDF));
    await mxB.page.getByRole('button', { name: 'Preview orden-judicial.pdf' }).click();
    expect(await mxB.page.locator('object.preview').getAttribute('data')).toMatch(/^blob:/);
    expect(violations).toEqual([]);

    // the server agrees: the message carries both files, in the order they were added
    const thread = (await mx.http.get(`/api/cases/${caseId}/messages`)).body;
    const sent = thread.find((m: any) => m.body === 'Copia de la orden y la huella');
    expect(sent.attachments.map((a: any) => a.name)).toEqual(['orden-judicial.pdf', 'huella.png']);
  });
});
