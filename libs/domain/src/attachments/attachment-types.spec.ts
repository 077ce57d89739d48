import { acceptType, cleanName, isPlainText } from './attachment-types.js';
import { guarded, splitHead } from './attachment-stream.js';

const bytes = (s: string) => new TextEncoder().encode(s);
async function* from(...parts: Uint8Array[]) {
  for (const p of parts) yield p;
}

describe('attachment types', () => {
  it('accepts a sniffed type only under an extension of that type', () => {
    expect(acceptType('a.pdf', 'application/pdf', 'application/pdf', bytes('%PDF'))).toEqual({
      contentType: 'application/pdf',
      text: false,
    });
    expect(acceptType('Foto.JPEG', '', 'image/jpeg', new Uint8Array())).toMatchObject({
      contentType: 'image/jpeg',
    });
    expect(
      acceptType('acta.doc', 'application/msword', 'application/x-cfb', new Uint8Array()).contentType,
    ).toBe('application/msword');
    for (const [name, sniffed] of [
      ['foto.pdf', 'image/png'],
      ['a.exe', 'application/x-msdownload'],
      ['a.zip', 'application/zip'],
      ['a.docx', 'application/zip'],
    ])
      expect(() => acceptType(name, '', sniffed, new Uint8Array())).toThrow(/not accepted/);
  });

  it('accepts text and CSV by extension only when the bytes are UTF-8 text that is not markup', () => {
    expect(acceptType('notas.txt', 'text/plain', undefined, bytes('Hola, señora\n')).contentType).toBe(
      'text/plain; charset=utf-8',
    );
    expect(acceptType('datos.csv', 'application/vnd.ms-excel', undefined, bytes('a,b\n')).contentType).toBe(
      'text/csv; charset=utf-8',
    );
    expect(() => acceptType('informe.pdf', 'application/pdf', undefined, bytes('<html></html>'))).toThrow();
    expect(() => acceptType('nota.txt', 'text/plain', undefined, bytes('\ufeff  <!DOCTYPE html>'))).toThrow();
    expect(() => acceptType('nota.txt', 'text/html', undefined, bytes('hola'))).toThrow();
    expect(() => acceptType('x.svg', 'image/svg+xml', undefined, bytes('<svg/>'))).toThrow();
    expect(() => acceptType('x.js', 'text/javascript', undefined, bytes('alert(1)'))).toThrow();
    expect(isPlainText(new Uint8Array([0x61, 0x00]), true)).toBe(false);
    expect(isPlainText(new Uint8Array([0xff, 0xfe]), true)).toBe(false);
    // a head that ends inside a character is still text
    expect(isPlainText(bytes('año').subarray(0, 2), false)).toBe(true);
  });

  it('cleans names: last path segment, no controls or direction marks, at most 255 characters', () => {
    expect(cleanName('C:\\fakepath\\..\\pasaporte.pdf')).toBe('pasaporte.pdf');
    expect(cleanName('a\u202egnp.pdf')).toBe('agnp.pdf');
    expect(cleanName('..')).toBe('');
    const long = cleanName(`${'ñ'.repeat(300)}.pdf`);
    expect([...long].length).toBe(255);
    expect(long.endsWith('.pdf')).toBe(true);
  });
});

describe('attachment streams', () => {
  it('gives back the whole upload after reading its head', async () => {
    const { head, all } = await splitHead(from(bytes('abc'), bytes('def'), bytes('ghi')), 4);
    expect(Buffer.from(head).toString()).toBe('abcdef');
    const parts: string[] = [];
    for await (const p of all) parts.push(Buffer.from(p).toString());
    expect(parts.join('')).toBe('abcdefghi');
  });

  it('stops at the first byte past the limit, and at bytes that are not text', async () => {
    const drain = async (it: AsyncIterable<Uint8Array>) => {
      for await (const _ of it) void _;
    };
    await expect(
      drain(guarded(from(bytes('12345'), bytes('6')), { maxBytes: 5, text: false })),
    ).rejects.toMatchObject({
      status: 413,
    });
    await expect(
      drain(guarded(from(bytes('123'), bytes('45')), { maxBytes: 5, text: false })),
    ).resolves.toBeUndefined();
    await expect(
      drain(guarded(from(bytes('ok'), new Uint8Array([0xc3])), { maxBytes: 100, text: true })),
    ).rejects.toMatchObject({ status: 415 });
    await expect(
      drain(guarded(from(bytes('ok'), new Uint8Array([0])), { maxBytes: 100, text: true })),
    ).rejects.toMatchObject({ status: 415 });
  });
});
