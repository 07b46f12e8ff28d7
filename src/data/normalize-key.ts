/**
 * The key under which two texts count as "the same text" for grouping (`textGroups`) and for the
 * leak report (`findLeaks`): Unicode NFKC, lower case, whitespace runs collapsed to one space, ends
 * trimmed. NFKC goes first because it can turn compatibility characters into spaces or into
 * letters that then lower-case (full-width `Ａ` → `A` → `a`, ideographic space → ` `). Copies of a
 * text that differ only in case, spacing or width are near-certain leaks, so they share a key.
 */
export function normalizeTextKey(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}
