import { isAllowedHref, renderSheetMarkdown } from './sheet-markdown.js';
import { sheetBody, staleAfterPeriod, versionNumber } from './sheet.rules.js';

describe('country sheet Markdown', () => {
  it('renders Markdown: headings, lists, emphasis, tables of plain text', () => {
    const html = renderSheetMarkdown('# Visa\n\n- **Passport** valid 6 months\n- Return ticket\n');
    expect(html).toContain('<h1>Visa</h1>');
    expect(html).toContain('<li><strong>Passport</strong> valid 6 months</li>');
  });

  it('lets no script through: raw HTML renders as nothing, event handlers and iframes too', () => {
    const html = renderSheetMarkdown(
      'Before <script>alert(1)</script> after\n\n<img src=x onerror="alert(2)">\n\n<iframe src="https://evil.example"></iframe>\n\n<a href="javascript:alert(3)">raw</a>',
    );
    expect(html).not.toMatch(/<script|<img|<iframe|<a href="javascript/i);
    expect(html).not.toMatch(/\sonerror="/i);
    expect(html).not.toMatch(/javascript:|onerror|&lt;/i);
    expect(html).toContain('<p>Before alert(1) after</p>');
    expect(html).toContain('raw');
    expect(renderSheetMarkdown('<script>\nfetch("https://x.example")\n</script>\n\nText')).toBe(
      '<p>Text</p>\n',
    );
  });

  it.each([
    ['[click](javascript:alert(1))'],
    ['[click](JavaScript:alert(1))'],
    ['[click](  javascript:alert(1) )'],
    ['[click](java\tscript:alert(1))'],
    ['[click](vbscript:msgbox(1))'],
    ['[click](data:text/html;base64,PHNjcmlwdD4=)'],
    ['[click](file:///etc/passwd)'],
    ['[click](/relative/path)'],
    ['[click][ref]\n\n[ref]: javascript:alert(1)'],
    ['<a href="javascript:alert(1)">click</a>'],
    ['<a href="https://ok.example" onclick="alert(1)">click</a>'],
  ])('drops the link of %j and keeps no javascript: target', (source) => {
    const html = renderSheetMarkdown(source);
    expect(html).not.toMatch(/<a\s/i);
    expect(html).not.toMatch(/href=/i);
    expect(html).not.toMatch(/javascript:|vbscript:|data:text/i);
  });

  it('drops a bad autolink whole (its words are its target)', () => {
    expect(renderSheetMarkdown('Go <javascript:alert(1)> now')).toBe('<p>Go  now</p>\n');
    expect(renderSheetMarkdown('<https://ok.example>')).toContain('href="https://ok.example"');
  });

  it('keeps http, https and mailto links, opening apart from the page', () => {
    const html = renderSheetMarkdown(
      '[Embassy](https://embajada.example.org/visas) · [old](http://x.example) · [write](mailto:consul@example.org) · https://auto.example',
    );
    expect(html).toContain(
      '<a href="https://embajada.example.org/visas" rel="noopener noreferrer nofollow" target="_blank">Embassy</a>',
    );
    expect(html).toContain('href="http://x.example"');
    expect(html).toContain('href="mailto:consul@example.org"');
    expect(html).toContain('href="https://auto.example"');
  });

  it('shows no images (a remote image would tell an outside server who reads the sheet)', () => {
    const html = renderSheetMarkdown('![seal](https://tracker.example/pixel.png)');
    expect(html).not.toMatch(/<img/i);
  });

  it('escapes attribute values', () => {
    const html = renderSheetMarkdown('[x](https://a.example/"onmouseover="alert(1))');
    expect(html).not.toMatch(/"\s*onmouseover=/i);
  });

  it('allows only http, https and mailto hrefs', () => {
    expect(isAllowedHref('https://a.example')).toBe(true);
    expect(isAllowedHref('mailto:a@b.example')).toBe(true);
    expect(isAllowedHref('javascript:alert(1)')).toBe(false);
    expect(isAllowedHref('#top')).toBe(false);
    expect(isAllowedHref('')).toBe(false);
  });
});

describe('country sheet rules', () => {
  it('takes a body in both languages and names every wrong field', () => {
    const errors: any[] = [];
    expect(sheetBody({ en: 'A', es: 'B' }, errors)).toEqual({ en: 'A', es: 'B' });
    expect(errors).toEqual([]);
    sheetBody({ en: '  ', fr: 'x' }, errors);
    expect(errors.map((e) => e.field).sort()).toEqual(['body.en', 'body.es', 'body.fr']);
    const more: any[] = [];
    sheetBody({ en: 'x'.repeat(50_001), es: 'y' }, more);
    expect(more.map((e) => e.field)).toEqual(['body.en']);
  });

  it('reads staleAfter as a positive ISO 8601 duration, P30D by default', () => {
    const errors: any[] = [];
    expect(staleAfterPeriod(undefined, errors)!.text).toBe('P30D');
    expect(staleAfterPeriod('P6M', errors)!.text).toBe('P6M');
    expect(errors).toEqual([]);
    for (const bad of ['-P1D', 'PT0S', '30 days', 'P100Y']) staleAfterPeriod(bad, errors);
    expect(errors).toHaveLength(4);
  });

  it('reads a version number from 1', () => {
    const errors: any[] = [];
    expect(versionNumber('3', errors)).toBe(3);
    expect(versionNumber(undefined, errors)).toBeUndefined();
    for (const bad of ['0', '-1', '1.5', 'x', '99999999999']) versionNumber(bad, errors);
    expect(errors).toHaveLength(5);
  });
});
