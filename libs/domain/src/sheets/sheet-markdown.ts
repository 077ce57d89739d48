import MarkdownIt from 'markdown-it';

/** The link schemes a sheet may use; anything else (javascript:, data:, vbscript:, file:, relative) is not a link. */
const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

export function isAllowedHref(href: string | null | undefined): boolean {
  if (!href) return false;
  try {
    return ALLOWED_PROTOCOLS.has(new URL(href).protocol);
  } catch {
    return false;
  }
}

/**
 * Markdown → HTML for country sheets, safe to insert in a page as it is:
 * - raw HTML is dropped, never passed through: `<script>…</script>` blocks, `<iframe>`, `<img onerror>` and any other
 *   tag render as nothing (the words between inline tags stay, as text);
 * - links keep only http, https and mailto targets; a link to anything else keeps its words and loses its target (an
 *   autolink such as `<javascript:…>` goes whole), so no `javascript:` survives;
 * - images are off: a remote image would tell an outside server who reads the sheet, and when;
 * - links open in a new tab with `rel="noopener noreferrer nofollow"`.
 * markdown-it escapes every text and attribute value it writes, and this renderer allows nothing else.
 */
// HTML is parsed (so that it can be recognised) and rendered as nothing.
const md = new MarkdownIt('default', { html: true, linkify: true, typographer: false, breaks: false });
md.disable(['image']);
md.renderer.rules.html_block = () => '';
md.renderer.rules.html_inline = () => '';
// Every link is parsed (so a bad one can be reduced to its text below) ...
md.validateLink = () => true;
// ... and any link whose target is not allowed is taken out, its text kept.
md.core.ruler.push('sheet_links', (state) => {
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children) continue;
    const kept: typeof block.children = [];
    let dropping = 0;
    let droppingText = false;
    for (const token of block.children) {
      if (token.type === 'link_open') {
        if (dropping || !isAllowedHref(String(token.attrGet('href') ?? ''))) {
          dropping++;
          // an autolink's words are its target
          droppingText = token.markup === 'autolink';
          continue;
        }
        token.attrSet('rel', 'noopener noreferrer nofollow');
        token.attrSet('target', '_blank');
      } else if (token.type === 'link_close' && dropping) {
        dropping--;
        droppingText = false;
        continue;
      } else if (dropping && droppingText) {
        continue;
      }
      kept.push(token);
    }
    block.children = kept;
  }
});

export function renderSheetMarkdown(source: string): string {
  return md.render(source);
}
