import type { FasttextFeatureSpec, FeaturizerSpec, TfidfFeatureSpec } from './featurizer-spec.js';

/**
 * A second implementation of featurizer.json that follows docs/export.md step by step and imports
 * nothing from textclass but types: the starting point for a port to another runtime (a browser,
 * a worker, another language), and the test that the documented recipe is complete — its output
 * must equal featurize-for-onnx's. Stemming is the one step it leaves out: it needs a Snowball
 * stemmer, and a model that stems is refused here.
 */
export interface PortableRow {
  ids: number[];
  values: number[];
}

export function portableFeaturizer(spec: FeaturizerSpec): (text: string) => PortableRow {
  const normalize = normalizer(spec.normalize);
  const f = spec.features;
  const featurize = f.kind === 'tfidf' ? tfidfFeaturizer(f) : fasttextFeaturizer(f);
  return (text) => featurize(normalize(text));
}

function re(r: { source: string; flags: string }): RegExp {
  return new RegExp(r.source, r.flags);
}

function normalizer(n: FeaturizerSpec['normalize']): (text: string) => string {
  const c = n.config;
  const tag = re(n.htmlTag);
  const entity = new RegExp(Object.keys(n.htmlEntities).join('|'), 'g');
  const [url, email, mention, number] = [re(n.url), re(n.email), re(n.mention), re(n.number)];
  const fold = c.foldLetters ? new Map(Object.entries(n.foldedLetters ?? {})) : null;
  return (text) => {
    let s = text;
    if (c.stripHtml) s = s.replace(tag, ' ').replace(entity, (m) => n.htmlEntities[m]);
    if (c.unicode !== 'none') s = s.normalize(c.unicode);
    if (fold) s = foldUnits(s, fold);
    if (c.urls && (s.includes('http') || s.includes('www.') || s.includes('WWW.'))) s = s.replace(url, ` ${n.placeholders.url} `);
    if (c.emails) s = s.replace(email, ` ${n.placeholders.email} `);
    if (c.mentions) s = s.replace(mention, `$1 ${n.placeholders.mention} `);
    if (c.numbers) s = s.replace(number, ` ${n.placeholders.number} `);
    return c.lowercase ? s.toLowerCase() : s;
  };
}

/** Each UTF-16 unit found in `fold` replaced by its value ("" deletes it). */
function foldUnits(s: string, fold: Map<string, string>): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += fold.get(s[i]) ?? s[i];
  return out;
}

function codePoints(s: string): string[] {
  return Array.from(s);
}

const NO_SPACE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/** Character n-grams (`char` or `char_wb`) of lengths lo..hi, as one-element lists. */
function charNgramUnits(analyzer: string, lo: number, hi: number): ((text: string) => string[][]) | null {
  if (analyzer === 'char') {
    return (text) => {
      const cps = codePoints(text.replace(/\s+/gu, ' '));
      const out: string[][] = [];
      for (let n = lo; n <= hi && n <= cps.length; n++) for (let i = 0; i + n <= cps.length; i++) out.push([cps.slice(i, i + n).join('')]);
      return out;
    };
  }
  if (analyzer === 'char_wb') {
    return (text) => {
      const out: string[][] = [];
      for (const word of text.split(/\s+/u)) {
        if (word === '') continue;
        const cps = codePoints(` ${word} `);
        for (let n = lo; n <= hi; n++) {
          if (cps.length <= n) {
            out.push([cps.join('')]);
            break;
          }
          for (let i = 0; i + n <= cps.length; i++) out.push([cps.slice(i, i + n).join('')]);
        }
      }
      return out;
    };
  }
  return null;
}

/** The units TF-IDF counts: n-grams of word tokens (as token lists) or character n-grams (one-element lists). */
function tfidfUnits(f: TfidfFeatureSpec): (text: string) => string[][] {
  const config = f.config as { analyzer?: string; tokenPattern: string; ngramRange: [number, number] };
  const [lo, hi] = config.ngramRange;
  const chars = charNgramUnits(config.analyzer ?? 'word', lo, hi);
  if (chars) return chars;
  if (f.stem) throw new Error(`this portable featurizer has no Snowball stemmer (${f.stem}); use featurize-for-onnx`);
  const token = re(f.tokenRegex);
  const stop = new Set(f.stopWords ?? []);
  const segmenter = config.tokenPattern === 'segmented' ? new Intl.Segmenter('und', { granularity: 'word' }) : null;
  return (text) => {
    const tokens: string[] = [];
    for (const m of text.matchAll(token)) {
      const parts = segmenter && NO_SPACE_SCRIPT.test(m[0]) ? [...segmenter.segment(m[0])].filter((s) => s.isWordLike).map((s) => s.segment) : [m[0]];
      for (const t of parts) if (!stop.has(t)) tokens.push(t);
    }
    const out: string[][] = [];
    for (let p = 0; p < tokens.length; p++) for (let n = lo; n <= hi && p + n <= tokens.length; n++) out.push(tokens.slice(p, p + n));
    return out;
  };
}

function tfidfFeaturizer(f: TfidfFeatureSpec): (text: string) => PortableRow {
  const config = f.config as { sublinearTf: boolean; norm: 'l2' | 'none' };
  const units = tfidfUnits(f);
  // Feature ids from charStart on are the character block, looked up in tables of their own.
  const block = f.charBlock;
  const charStart = block ? block.firstFeature : f.idf.length;
  const charUnits = block ? charNgramUnits(block.analyzer, block.ngramRange[0], block.ngramRange[1]) : null;
  const vocabulary = new Map<string, number>();
  const charVocabulary = new Map<string, number>();
  (f.features ?? []).forEach((tokens, id) => (id < charStart ? vocabulary : charVocabulary).set(tokens.join('\u0000'), id));
  const featureOfBucket = new Map<number, number>();
  const charFeatureOfBucket = new Map<number, number>();
  (f.bucketOfFeature ?? []).forEach((bucket, id) => (id < charStart ? featureOfBucket : charFeatureOfBucket).set(bucket, id));
  const buckets = f.hashBuckets as number;
  const idOf = f.hashBuckets ? (tokens: string[]) => featureOfBucket.get((ngramHash(tokens.map(murmurUtf8)) >>> 0) % buckets) : (tokens: string[]) => vocabulary.get(tokens.join('\u0000'));
  const charIdOf = f.hashBuckets ? (ngram: string) => charFeatureOfBucket.get(murmurUtf8(ngram) % buckets) : (ngram: string) => charVocabulary.get(ngram);
  return (text) => {
    const counts = new Map<number, number>();
    const add = (id: number | undefined): void => {
      if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
    };
    for (const u of units(text)) add(idOf(u));
    if (charUnits) for (const [ngram] of charUnits(text)) add(charIdOf(ngram));
    const ids = [...counts.keys()].sort((a, b) => a - b);
    if (f.binarize) return { ids, values: ids.map(() => 1) };
    const w = ids.map((id) => (config.sublinearTf ? 1 + Math.log(counts.get(id) as number) : (counts.get(id) as number)) * f.idf[id]);
    const sumSquares = (inBlock: (id: number) => boolean) => w.reduce((s, v, j) => (inBlock(ids[j]) ? s + v * v : s), 0);
    const l2 = config.norm === 'l2';
    const norm = l2 ? Math.sqrt(sumSquares((id) => id < charStart)) : 0;
    const charNorm = l2 ? Math.sqrt(sumSquares((id) => id >= charStart)) : 0;
    const weight = block ? block.weight : 1;
    const charScale = charNorm > 0 ? weight / charNorm : weight;
    return { ids, values: w.map((v, j) => Math.fround(ids[j] >= charStart ? v * charScale : norm > 0 ? v * (1 / norm) : v)) };
  };
}

function fasttextFeaturizer(f: FasttextFeatureSpec): (text: string) => PortableRow {
  const token = re(f.tokenRegex);
  const wordRow = new Map(f.words.map((w, i) => [w, i]));
  const bucketRow = new Map(f.usedBuckets.map((b, k) => [b, f.words.length + k]));
  return (text) => {
    const tokens = [...text.matchAll(token)].map((m) => m[0]);
    tokens.push(f.eos);
    const rows: number[] = [];
    const addBucket = (h: number) => {
      const row = bucketRow.get(h % f.buckets);
      if (row !== undefined) rows.push(row);
    };
    for (const t of tokens) {
      const w = wordRow.get(t);
      if (w !== undefined) rows.push(w);
      if (f.maxn === 0 || t === f.eos) continue;
      const cps = codePoints(`<${t}>`);
      for (let i = 0; i < cps.length; i++) {
        for (let n = f.minn; n <= f.maxn && i + n <= cps.length; n++) {
          if (n === 1 && (i === 0 || i + n === cps.length)) continue;
          addBucket(fnv1a(cps.slice(i, i + n).join('')));
        }
      }
    }
    for (let i = 0; i < tokens.length; i++) {
      let h = fnv1a(tokens[i]);
      for (let j = i + 1; j < tokens.length && j < i + f.wordNgrams; j++) {
        h = (Math.imul(h, 116049371) + fnv1a(tokens[j])) >>> 0;
        addBucket(h);
      }
    }
    const counts = new Map<number, number>();
    for (const r of rows) counts.set(r, (counts.get(r) ?? 0) + 1);
    const ids = [...counts.keys()].sort((a, b) => a - b);
    return { ids, values: ids.map((id) => counts.get(id) as number) };
  };
}

/** 32-bit FNV-1a over UTF-8, bytes ≥ 0x80 sign-extended first (fastText's int8_t). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(s)) h = Math.imul(h ^ (b >= 0x80 ? b | 0xffffff00 : b), 16777619);
  return h >>> 0;
}

function fmix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3_x86_32, seed 0, of the token's UTF-8 bytes. */
function murmurUtf8(token: string): number {
  const data = new TextEncoder().encode(token);
  const scramble = (k: number): number => {
    const a = Math.imul(k, 0xcc9e2d51);
    return Math.imul((a << 15) | (a >>> 17), 0x1b873593);
  };
  let h = 0;
  const blocks = data.length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    h ^= scramble(data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = data.length & 3;
  if (tail > 0) {
    let k = data[blocks];
    if (tail >= 2) k ^= data[blocks + 1] << 8;
    if (tail === 3) k ^= data[blocks + 2] << 16;
    h ^= scramble(k);
  }
  return fmix32(h ^ data.length);
}

/** The documented n-gram hash over the tokens' murmur hashes. */
function ngramHash(h: number[]): number {
  if (h.length === 1) return h[0];
  let g = fmix32((Math.imul(h[0], 0x9e3779b1) ^ h[1]) >>> 0);
  if (h.length === 3) g = fmix32((Math.imul(g, 0x9e3779b1) ^ h[2]) >>> 0);
  return fmix32((g ^ Math.imul(h.length, 0x85ebca6b)) >>> 0);
}
