/**
 * fastText's string hash: 32-bit FNV-1a over the UTF-8 bytes, where each byte is first
 * sign-extended (fastText casts `char` to `int8_t`), so non-ASCII text hashes to the same
 * values as in fastText. Reads code units of `s[start, end)` and encodes UTF-8 on the fly:
 * no substring, no TextEncoder buffer.
 */
export function fnv1aRange(s: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      h = Math.imul(h ^ c, 16777619);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        i++;
        h = byte(h, 0xf0 | (c >>> 18));
        h = byte(h, 0x80 | ((c >>> 12) & 0x3f));
        h = byte(h, 0x80 | ((c >>> 6) & 0x3f));
        h = byte(h, 0x80 | (c & 0x3f));
        continue;
      }
    }
    if (c < 0x800) {
      h = byte(h, 0xc0 | (c >>> 6));
      h = byte(h, 0x80 | (c & 0x3f));
    } else {
      // Lone surrogates are hashed as their 3-byte (CESU-style) form; they never occur in normalized text.
      h = byte(h, 0xe0 | (c >>> 12));
      h = byte(h, 0x80 | ((c >>> 6) & 0x3f));
      h = byte(h, 0x80 | (c & 0x3f));
    }
  }
  return h >>> 0;
}

/** One FNV-1a step with a byte >= 0x80, sign-extended as fastText's `int8_t` cast does. */
function byte(h: number, b: number): number {
  return Math.imul(h ^ (b | 0xffffff00), 16777619);
}

export function fnv1a(s: string): number {
  return fnv1aRange(s, 0, s.length);
}

/**
 * fastText's word n-gram hash step, `h = h * 116049371 + next`, in 32-bit arithmetic (fastText
 * uses 64-bit with sign-extended 32-bit word hashes, so bucket ids differ from fastText's; the
 * mixing is the same and 32 bits spread over a few million buckets equally well).
 */
export function combineHash(h: number, next: number): number {
  return (Math.imul(h, 116049371) + next) >>> 0;
}
