/**
 * Escaping for text put into the report's HTML and SVG. One function serves both: the charts
 * are inlined into the page (parsed as HTML) and later serialized as standalone XML for the PNG
 * export, so the text must be safe and well-formed in both.
 */

const MARKUP_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Code points XML 1.0 forbids (C0 controls other than tab/newline/CR, U+FFFE/U+FFFF) and lone
 * surrogate halves. One of them in a label would make the exported SVG image fail to load, so
 * each becomes U+FFFD, the replacement character.
 */
const NOT_XML_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text → safe content for an HTML/SVG element or a quoted attribute value. */
export function escapeMarkup(text: string): string {
  return String(text).replace(NOT_XML_CHARACTERS, '\uFFFD').replace(/[&<>"']/g, (c) => MARKUP_ESCAPES[c]);
}
