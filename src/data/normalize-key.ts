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

/**
 * A 52-bit hash of `normalizeTextKey(text)`, for grouping many rows by text without keeping a copy
 * of every text as a map key (800,000 distinct reviews would hold ~200 MB of keys). Two 32-bit
 * multiply-xor lanes over the UTF-16 code units, each finished with murmur3's fmix32; two different
 * texts share a hash with odds of about n² / 2⁵³ (1 in 14,000 for 800,000 texts), and then only
 * land in one group.
 */
export function textKeyHash(text: string): number {
  const key = normalizeTextKey(text);
  let a = 0x811c9dc5;
  let b = 0x9747b28c ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  return (fmix32(a) >>> 0) * 0x100000 + (fmix32(b) >>> 12);
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
