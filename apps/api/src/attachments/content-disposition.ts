/**
 * `Content-Disposition: attachment` with a safe file name (RFC 6266): an ASCII fallback in `filename` (quotes,
 * backslashes, percent signs and controls replaced) and the exact UTF-8 name in `filename*` (RFC 8187).
 */
export function attachmentDisposition(name: string): string {
  const fallback =
    name
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/["\\%;]/g, '_')
      .trim() || 'attachment';
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
