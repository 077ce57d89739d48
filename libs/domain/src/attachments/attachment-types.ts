import { UnsupportedAttachmentType } from './attachment.errors.js';

/**
 * The accepted types (API.md "Attachments"): what the sniffed bytes must be (`file-type`'s answer) for each file
 * extension, and the type the file is then served as. Text and CSV have no magic number: they are accepted only by
 * extension, when the bytes are UTF-8 text without NUL and do not start as markup. HTML, SVG and scripts never are.
 */
const BINARY: Array<{ contentType: string; sniffed: string; extensions: string[] }> = [
  { contentType: 'application/pdf', sniffed: 'application/pdf', extensions: ['pdf'] },
  { contentType: 'image/png', sniffed: 'image/png', extensions: ['png'] },
  { contentType: 'image/jpeg', sniffed: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
  { contentType: 'image/webp', sniffed: 'image/webp', extensions: ['webp'] },
  ...(
    [
      ['wordprocessingml.document', 'docx'],
      ['spreadsheetml.sheet', 'xlsx'],
      ['presentationml.presentation', 'pptx'],
    ] as const
  ).map(([t, ext]) => {
    const type = `application/vnd.openxmlformats-officedocument.${t}`;
    return { contentType: type, sniffed: type, extensions: [ext] };
  }),
  ...(
    [
      ['text', 'odt'],
      ['spreadsheet', 'ods'],
      ['presentation', 'odp'],
    ] as const
  ).map(([t, ext]) => {
    const type = `application/vnd.oasis.opendocument.${t}`;
    return { contentType: type, sniffed: type, extensions: [ext] };
  }),
  // Office 97–2003 files are Compound File Binary containers: the extension says which.
  { contentType: 'application/msword', sniffed: 'application/x-cfb', extensions: ['doc'] },
  { contentType: 'application/vnd.ms-excel', sniffed: 'application/x-cfb', extensions: ['xls'] },
  { contentType: 'application/vnd.ms-powerpoint', sniffed: 'application/x-cfb', extensions: ['ppt'] },
];

const TEXT: Record<string, string> = {
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** Declared types refused whatever the bytes: a browser would run them. */
const ACTIVE_TYPES =
  /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|(text|application)\/(x-)?(javascript|ecmascript)|text\/xml|application\/xml)\b/i;

/** How a text must not start (after a BOM and blanks): markup a browser would render. */
const MARKUP_START =
  /^\s*<(!doctype|html|head|body|script|svg|\?xml|iframe|object|embed|meta|style|a\s|div|form)/i;

/** How many bytes are read before deciding the type. */
export const SNIFF_BYTES = 64 * 1024;

export interface AcceptedType {
  contentType: string;
  /** Text: every following byte must be UTF-8 without NUL too. */
  text: boolean;
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/**
 * A file name as stored and shown: the last path segment, NFC, without control or direction characters, at most
 * 255 characters (the extension kept). Empty when nothing usable is left.
 */
export function cleanName(raw: string): string {
  const last = raw.split(/[\\/]/).pop() ?? '';
  let name = last
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (/^\.+$/.test(name)) name = '';
  if ([...name].length > 255) {
    const ext = extensionOf(name);
    const keep = ext && ext.length < 16 ? `.${ext}` : '';
    name = [...name].slice(0, 255 - keep.length).join('') + keep;
  }
  return name;
}

/**
 * Decides the type of an upload from its name, declared type and first bytes (`sniffed`: `file-type`'s mime type for
 * them, undefined when it knows none). Throws `UnsupportedAttachmentType` (415) when the file is not accepted.
 */
export function acceptType(
  name: string,
  declared: string,
  sniffed: string | undefined,
  head: Uint8Array,
): AcceptedType {
  if (ACTIVE_TYPES.test(declared.trim())) throw new UnsupportedAttachmentType();
  const ext = extensionOf(name);
  if (sniffed) {
    const match = BINARY.find((t) => t.sniffed === sniffed && t.extensions.includes(ext));
    if (!match) throw new UnsupportedAttachmentType();
    return { contentType: match.contentType, text: false };
  }
  const textType = TEXT[ext];
  if (!textType || !isPlainText(head, false)) throw new UnsupportedAttachmentType();
  return { contentType: textType, text: true };
}

/** UTF-8 without NUL, not starting as markup. `complete`: the bytes are the whole file (else a cut sequence may end it). */
export function isPlainText(bytes: Uint8Array, complete: boolean): boolean {
  if (bytes.includes(0)) return false;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !complete });
  } catch {
    return false;
  }
  return !MARKUP_START.test(text.replace(/^\ufeff/, ''));
}
