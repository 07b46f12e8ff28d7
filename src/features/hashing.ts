/**
 * Feature hashing: an n-gram's feature is a bucket of its MurmurHash3, so no vocabulary of
 * strings has to be built or kept — memory is bounded by the bucket count, however many distinct
 * n-grams a corpus has (Weinberger et al. 2009; scikit-learn's HashingVectorizer hashes the same
 * way per token, with MurmurHash3_x86_32 over UTF-8).
 */

/** MurmurHash3_x86_32 of `len` bytes of `data` (Austin Appleby's public-domain reference). */
export function murmur3(data: Uint8Array, len: number, seed = 0): number {
  let h = seed >>> 0;
  const blocks = len & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = len & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= data[blocks + 2] << 16;
    if (tail >= 2) k ^= data[blocks + 1] << 8;
    k ^= data[blocks];
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= len;
  return fmix32(h) >>> 0;
}

/** MurmurHash3's finalizer: every input bit affects every output bit. */
export function fmix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hashes token strings (UTF-8, MurmurHash3) with a cache, so a token seen a million times is
 * encoded once. The cache stops growing at `maxCached` entries to keep memory bounded on
 * unbounded vocabularies; later tokens are hashed every time.
 */
export class TokenHasher {
  private readonly cache = new Map<string, number>();
  private buf = new Uint8Array(256);
  private readonly encoder = new TextEncoder();

  constructor(private readonly maxCached = 1 << 21) {}

  hash(token: string): number {
    const cached = this.cache.get(token);
    if (cached !== undefined) return cached;
    if (this.buf.length < token.length * 3) this.buf = new Uint8Array(token.length * 3);
    const { written } = this.encoder.encodeInto(token, this.buf);
    const h = murmur3(this.buf, written);
    if (this.cache.size < this.maxCached) this.cache.set(token, h);
    return h;
  }
}

/**
 * The hash of an n-gram from its tokens' hashes. Mixing in the length keeps a bigram from
 * colliding systematically with a unigram of the same tokens.
 */
export function ngramHash(a: number, b: number, c: number, len: number): number {
  if (len === 1) return a;
  let h = fmix32((Math.imul(a, 0x9e3779b1) ^ b) >>> 0);
  if (len === 3) h = fmix32((Math.imul(h, 0x9e3779b1) ^ c) >>> 0);
  return fmix32((h ^ Math.imul(len, 0x85ebca6b)) >>> 0);
}
