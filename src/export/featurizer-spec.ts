import { z } from 'zod';
import { ModelFormatError } from '../errors.js';
import { CHAR_NGRAM_MARK, type TfidfConfig } from '../features/tfidf.js';
import type { ModelState } from '../models/classifier.js';
import { EOS } from '../models/fasttext/features.js';
import type { Manifest } from '../persist/model-dir.js';
import { EMAIL, FOLDED_LETTERS, HTML_ENTITIES, HTML_TAG, MENTION, NUMBER, PLACEHOLDERS, URL, type NormalizeConfig } from '../text/normalize.js';
import { stopWordSet } from '../text/stopwords.js';
import { tokenPatternRegex } from '../text/tokenize.js';
import { FEATURE_IDS, FEATURE_VALUES, PROBABILITIES } from './graph-parts.js';
import { OPSET } from './onnx-model.js';

/**
 * featurizer.json: everything another runtime needs to turn a text into the graph's
 * (feature_ids, feature_values) — the pipeline in order, the exact regular expressions, the
 * vocabulary or hashing parameters, idf — plus the labels and the decision rule for the outputs.
 * docs/export.md explains each step; featurize-for-onnx.ts rebuilds our own featurizer from it.
 */
export const FEATURIZER_FORMAT = 'textclass-onnx-featurizer' as const;
export const FEATURIZER_VERSION = 1 as const;
/**
 * Written instead of 1 when the model folds letters (normalize.config.foldLetters): a step that a
 * reader of version 1 does not know, so such a reader refuses the file instead of featurizing
 * Persian or Russian text differently. Every other file stays at version 1.
 */
export const FEATURIZER_VERSION_FOLD_LETTERS = 2 as const;

const regexSchema = z.object({ source: z.string(), flags: z.string() });

const normalizeSchema = z.object({
  config: z.object({
    unicode: z.enum(['NFKC', 'NFC', 'none']),
    lowercase: z.boolean(),
    stripHtml: z.boolean(),
    urls: z.boolean().optional(),
    emails: z.boolean().optional(),
    mentions: z.boolean().optional(),
    numbers: z.boolean().optional(),
    foldLetters: z.boolean().optional(),
  }),
  steps: z.array(z.string()),
  htmlTag: regexSchema,
  htmlEntities: z.record(z.string(), z.string()),
  url: regexSchema,
  email: regexSchema,
  mention: regexSchema,
  number: regexSchema,
  placeholders: z.record(z.string(), z.string()),
  /** With config.foldLetters: each UTF-16 unit to fold → its replacement ("" deletes it). */
  foldedLetters: z.record(z.string().length(1), z.string().max(1)).optional(),
});

const tfidfSchema = z.object({
  kind: z.literal('tfidf'),
  /** The vectorizer's settings as the model stores them (TfidfConfig). */
  config: z.record(z.string(), z.unknown()),
  tokenRegex: regexSchema,
  stopWords: z.array(z.string()).nullable(),
  stem: z.enum(['en', 'ru']).nullable(),
  /** nbsvm with binarize: every present feature has value 1 (no tf, idf or norm). */
  binarize: z.boolean(),
  /** Vocabulary: feature id → its n-gram's tokens. Hashing: feature id → bucket. Exactly one is set. */
  features: z.array(z.array(z.string())).nullable(),
  hashBuckets: z.number().int().positive().nullable(),
  bucketOfFeature: z.array(z.number().int().nonnegative()).nullable(),
  idf: z.array(z.number()),
  /**
   * Word + character models (TfidfConfig.charNgrams): feature ids from firstFeature on are character
   * n-grams — in `features` as one-element lists, in bucketOfFeature as buckets of their own hash
   * space — normalized as a block of their own and multiplied by weight. Null (or absent, in files
   * written before): word or character n-grams alone.
   */
  charBlock: z
    .object({
      analyzer: z.enum(['char', 'char_wb']),
      ngramRange: z.tuple([z.number().int().min(1), z.number().int().min(1)]),
      weight: z.number().positive(),
      firstFeature: z.number().int().nonnegative(),
    })
    .nullable()
    .default(null),
});

const fasttextSchema = z.object({
  kind: z.literal('fasttext'),
  tokenRegex: regexSchema,
  eos: z.string(),
  wordNgrams: z.number().int().positive(),
  buckets: z.number().int().positive(),
  minn: z.number().int().nonnegative(),
  maxn: z.number().int().nonnegative(),
  /** Row w of the input matrix is words[w]; row words.length + k is bucket usedBuckets[k]. */
  words: z.array(z.string()),
  usedBuckets: z.array(z.number().int().nonnegative()),
});

export const featurizerSpecSchema = z.object({
  format: z.literal(FEATURIZER_FORMAT),
  formatVersion: z.union([z.literal(FEATURIZER_VERSION), z.literal(FEATURIZER_VERSION_FOLD_LETTERS)]),
  model: z.object({
    name: z.string(),
    type: z.string(),
    task: z.enum(['binary', 'multiclass', 'multilabel']),
    labels: z.array(z.string()).min(1),
    decision: z.record(z.string(), z.unknown()),
    calibration: z.string().nullable(),
  }),
  onnx: z.object({
    file: z.string(),
    opset: z.number().int(),
    inputs: z.record(z.string(), z.string()),
    outputs: z.record(z.string(), z.string()),
  }),
  pipeline: z.array(z.string()),
  normalize: normalizeSchema,
  features: z.discriminatedUnion('kind', [tfidfSchema, fasttextSchema]),
});

export type FeaturizerSpec = z.infer<typeof featurizerSpecSchema>;
export type TfidfFeatureSpec = z.infer<typeof tfidfSchema>;
export type FasttextFeatureSpec = z.infer<typeof fasttextSchema>;

function regex(re: RegExp): { source: string; flags: string } {
  return { source: re.source, flags: re.flags };
}

function normalizeSpec(config: NormalizeConfig): FeaturizerSpec['normalize'] {
  const steps: string[] = [];
  if (config.stripHtml) steps.push('html: replace every htmlTag match by one space, then each htmlEntities key by its value');
  if (config.unicode !== 'none') steps.push(`unicode: ${config.unicode} normalization`);
  if (config.foldLetters) steps.push('foldLetters: replace each UTF-16 unit that is a key of foldedLetters by its value ("" deletes it); all other units stay');
  if (config.urls) steps.push(`urls: replace url matches by " ${PLACEHOLDERS.url} "`);
  if (config.emails) steps.push(`emails: replace email matches by " ${PLACEHOLDERS.email} "`);
  if (config.mentions) steps.push(`mentions: replace mention matches by "$1 ${PLACEHOLDERS.mention} " (group 1 is the character before the @)`);
  if (config.numbers) steps.push(`numbers: replace number matches by " ${PLACEHOLDERS.number} "`);
  if (config.lowercase) steps.push('lowercase: full Unicode lowercasing (String.prototype.toLowerCase, no locale)');
  return {
    config,
    steps,
    htmlTag: regex(HTML_TAG),
    htmlEntities: HTML_ENTITIES,
    url: regex(URL),
    email: regex(EMAIL),
    mention: regex(MENTION),
    number: regex(NUMBER),
    placeholders: { ...PLACEHOLDERS },
    ...(config.foldLetters ? { foldedLetters: { ...FOLDED_LETTERS } } : {}),
  };
}

function charNgramStep(analyzer: 'char' | 'char_wb', [lo, hi]: [number, number]): string {
  return analyzer === 'char'
    ? `character n-grams: collapse every whitespace run (/\\s+/u) to one space, then all substrings of ${lo}..${hi} code points, shorter n first`
    : `character n-grams within words (char_wb): split at whitespace runs, pad each word with one space on both sides, emit its substrings of ${lo}..${hi} code points (shorter n first); a padded word of at most n code points is emitted whole once and its longer n are skipped`;
}

function tfidfPipeline(t: TfidfConfig, binarize: boolean): string[] {
  const analyzer = t.analyzer ?? 'word';
  const char = t.charNgrams ?? null;
  const steps = ['normalize (normalize.steps, in order)'];
  if (analyzer === 'word') {
    steps.push(`tokenize: every match of tokenRegex${t.tokenPattern === 'segmented' ? ', tokens containing Han, Hiragana, Katakana, Thai, Lao, Khmer or Myanmar characters split further by ICU word segmentation (Intl.Segmenter "und", word-like segments only)' : ''}`);
    if (t.stopWords) steps.push('drop tokens that are in stopWords');
    if (t.stem) steps.push(`stem each token with the Snowball ${t.stem === 'en' ? 'English (Porter2)' : 'Russian'} stemmer`);
    steps.push(`n-grams: at each token position, n = ${t.ngramRange[0]}..${t.ngramRange[1]} consecutive tokens`);
  } else {
    steps.push(charNgramStep(analyzer, t.ngramRange));
  }
  if (char) steps.push(`character block (charBlock): also, from the normalized text (not the tokens: no stop words, no stemming), ${charNgramStep(char.analyzer, char.ngramRange)}`);
  if (t.hashBuckets) {
    steps.push('hash: bucket = ngramHash(murmur3(token₁), murmur3(token₂), murmur3(token₃), n) mod hashBuckets (docs/export.md); feature id = the index of the bucket in bucketOfFeature; buckets not listed are dropped');
    if (char) steps.push('hash the character block: bucket = murmur3(n-gram) mod hashBuckets, looked up among bucketOfFeature[charBlock.firstFeature..] only (its own hash space)');
  } else {
    steps.push('lookup: feature id = index of the n-gram in features (tokens joined exactly); unknown n-grams are dropped');
    if (char) steps.push('lookup the character block: feature id = index of the one-element list [n-gram] in features[charBlock.firstFeature..] only (a word "ab" and the character n-gram "ab" are different features)');
  }
  if (binarize) {
    steps.push('values: 1 for every distinct feature present');
  } else {
    steps.push(`count each feature's occurrences c; value = ${t.sublinearTf ? '(1 + ln c)' : 'c'} × idf[feature]`);
    if (t.norm === 'l2' && char) steps.push('l2 per block: divide the values of the word features (ids < charBlock.firstFeature) by their Euclidean norm, and multiply those of the character block by charBlock.weight / their Euclidean norm (nothing for an absent block)');
    else if (t.norm === 'l2') steps.push('l2: divide the values of the text by their Euclidean norm (nothing when all are absent)');
    if (t.norm !== 'l2' && char) steps.push('multiply the values of the character block by charBlock.weight');
  }
  steps.push('order the distinct features by id; pad rows to the batch width with id 0, value 0');
  return steps;
}

const FASTTEXT_PIPELINE = [
  'normalize (normalize.steps, in order)',
  'tokenize: every match of tokenRegex, then one extra token eos',
  'words: the row of each token found in words (unknown words: none)',
  'character n-grams (when maxn > 0), per token except eos: of "<" + token + ">", all substrings of minn..maxn code points except the lone "<" and ">"; row = bucketRow(fnv1a(substring) mod buckets)',
  'word n-grams: for each token i and j = i+1 .. i+wordNgrams−1 (within the text): h = fnv1a(token_i), then h = (h × 116049371 + fnv1a(token_k)) mod 2³² for k = i+1..j; row = bucketRow(h mod buckets)',
  'bucketRow(b) = words.length + (index of b in usedBuckets); buckets not in usedBuckets are dropped',
  'values: how many times each distinct row occurred (the graph divides by their total: the mean of the rows)',
  'order the distinct rows by id; pad rows to the batch width with id 0, value 0',
];

/** The featurizer.json of a loaded model, from its manifest and persisted (uncalibrated) state. */
export function buildFeaturizerSpec(manifest: Manifest, state: ModelState, onnxFile: string): FeaturizerSpec {
  const config = state.config as Record<string, unknown>;
  const normalize = config.normalize as NormalizeConfig;
  const common = {
    format: FEATURIZER_FORMAT,
    formatVersion: normalize.foldLetters ? FEATURIZER_VERSION_FOLD_LETTERS : FEATURIZER_VERSION,
    model: {
      name: manifest.name,
      type: state.type,
      task: manifest.task as FeaturizerSpec['model']['task'],
      labels: manifest.labels,
      decision: manifest.decision as unknown as Record<string, unknown>,
      calibration: manifest.calibration ? `${manifest.calibration.method} (inside the graph)` : null,
    },
    onnx: {
      file: onnxFile,
      opset: OPSET,
      inputs: {
        [FEATURE_IDS]: 'int64 [batch, n]: feature ids of each text, padded with 0',
        [FEATURE_VALUES]: 'float32 [batch, n]: their values, padded with 0',
      },
      outputs: { [PROBABILITIES]: `float32 [batch, ${manifest.labels.length}]: one score per label, in labels order, as textclass predict prints them` },
    },
    normalize: normalizeSpec(normalize),
  };
  if (state.type === 'fasttext') {
    const words = new TextDecoder().decode(state.arrays.words as Uint8Array);
    return {
      ...common,
      pipeline: FASTTEXT_PIPELINE,
      features: {
        kind: 'fasttext',
        tokenRegex: regex(tokenPatternRegex('word')),
        eos: EOS,
        wordNgrams: config.wordNgrams as number,
        buckets: config.buckets as number,
        minn: config.minn as number,
        maxn: config.maxn as number,
        words: (config.numWords as number) === 0 ? [] : words.split('\n'),
        usedBuckets: Array.from(state.arrays.buckets as Int32Array),
      },
    };
  }
  const tfidf = config.tfidf as TfidfConfig;
  const binarize = state.type === 'nbsvm' && config.binarize === true;
  const tokens = new TextDecoder().decode(state.arrays.tokens as Uint8Array);
  const tokenList = tokens.length === 0 ? [] : tokens.split('\n');
  const ngrams = state.arrays.ngrams as Int32Array;
  const F = ngrams.length / 3;
  const hashed = !!tfidf.hashBuckets;
  const features: string[][] | null = hashed ? null : [];
  const bucketOfFeature: number[] | null = hashed ? [] : null;
  // Character-block keys are (token or bucket, CHAR_NGRAM_MARK, -1): the first slot alone names them.
  let firstChar = F;
  for (let f = 0; f < F; f++) {
    if (ngrams[f * 3 + 1] === CHAR_NGRAM_MARK) firstChar = Math.min(firstChar, f);
    if (bucketOfFeature) bucketOfFeature.push(ngrams[f * 3]);
    else features?.push([0, 1, 2].filter((j) => ngrams[f * 3 + j] >= 0).map((j) => tokenList[ngrams[f * 3 + j]]));
  }
  const char = tfidf.charNgrams ?? null;
  return {
    ...common,
    pipeline: tfidfPipeline(tfidf, binarize),
    features: {
      kind: 'tfidf',
      config: tfidf as unknown as Record<string, unknown>,
      tokenRegex: regex(tokenPatternRegex(tfidf.tokenPattern)),
      stopWords: tfidf.stopWords ? [...stopWordSet(tfidf.stopWords)] : null,
      stem: tfidf.stem ?? null,
      binarize,
      features,
      hashBuckets: hashed ? (tfidf.hashBuckets as number) : null,
      bucketOfFeature,
      idf: Array.from(state.arrays.idf as Float32Array),
      charBlock: char ? { analyzer: char.analyzer, ngramRange: char.ngramRange, weight: char.weight, firstFeature: firstChar } : null,
    },
  };
}

/** Parses and validates a featurizer.json; `file` names it in errors. */
export function parseFeaturizerSpec(text: string, file: string): FeaturizerSpec {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelFormatError(file, `featurizer.json is not valid JSON (${(e as Error).message})`);
  }
  const parsed = featurizerSpecSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelFormatError(file, `featurizer.json: field "${issue.path.join('.')}": ${issue.message}`);
  }
  const spec = parsed.data;
  const folds = spec.normalize.config.foldLetters === true;
  if (folds && !spec.normalize.foldedLetters) throw new ModelFormatError(file, 'featurizer.json: field "normalize.foldedLetters": required when normalize.config.foldLetters is true');
  const version = folds ? FEATURIZER_VERSION_FOLD_LETTERS : FEATURIZER_VERSION;
  if (spec.formatVersion !== version) throw new ModelFormatError(file, `featurizer.json: field "formatVersion": ${spec.formatVersion}, but a featurizer ${folds ? 'that folds letters' : 'without letter folding'} is version ${version}`);
  return spec;
}
