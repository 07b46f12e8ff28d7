import fs from 'node:fs';
import path from 'node:path';
import { ModelFormatError } from '../errors.js';
import { CHAR_NGRAM_MARK, TfidfVectorizer, type TfidfConfig } from '../features/tfidf.js';
import { bucketRowMap, Featurizer, IntBuffer } from '../models/fasttext/features.js';
import { tfidfMatrix } from '../models/tfidf-front.js';
import { FOLDED_LETTERS, normalizeText, type NormalizeConfig } from '../text/normalize.js';
import { parseFeaturizerSpec, type FasttextFeatureSpec, type FeaturizerSpec, type TfidfFeatureSpec } from './featurizer-spec.js';

/**
 * The reference featurizer of an exported model: texts → the graph's padded (feature_ids,
 * feature_values), built from featurizer.json alone with textclass's own normalizer, tokenizers,
 * vectorizer and fastText unit hashing, so a Node caller gets exactly the features `textclass
 * predict` uses. Other runtimes reimplement the recipe in featurizer.json (docs/export.md).
 */
export interface OnnxFeatures {
  /** int64 [batch, width], row-major. */
  ids: BigInt64Array;
  /** float32 [batch, width], row-major. */
  values: Float32Array;
  batch: number;
  /** Features per text after padding: the largest count in the batch, at least 1. */
  width: number;
}

/** Per text (CSR rows): distinct feature ids, ascending, and their values. */
export interface SparseRows {
  indptr: Int32Array;
  indices: Int32Array;
  data: Float32Array;
}

export class OnnxFeaturizer {
  private constructor(
    readonly spec: FeaturizerSpec,
    private readonly rowsOf: (texts: readonly string[]) => SparseRows,
  ) {}

  /** Reads `<exportDir>/featurizer.json`. */
  static load(exportDir: string): OnnxFeaturizer {
    const file = path.join(exportDir, 'featurizer.json');
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      throw new ModelFormatError(exportDir, 'no featurizer.json: not a directory written by `textclass export --format onnx`');
    }
    return OnnxFeaturizer.fromSpec(parseFeaturizerSpec(text, file));
  }

  static fromSpec(spec: FeaturizerSpec): OnnxFeaturizer {
    const normalize = spec.normalize.config as NormalizeConfig;
    // normalizeText folds with this version's table: a file written with another table would featurize differently.
    if (normalize.foldLetters && !sameFolding(spec.normalize.foldedLetters ?? {}, FOLDED_LETTERS)) {
      throw new ModelFormatError('featurizer.json', 'normalize.foldedLetters differs from the letter folding of this textclass version; featurize with portable-featurizer, or export the model again');
    }
    const f = spec.features;
    return new OnnxFeaturizer(spec, f.kind === 'tfidf' ? tfidfRows(f, normalize) : fasttextRows(f, normalize));
  }

  /** Sparse features of each text, before padding. */
  sparse(texts: readonly string[]): SparseRows {
    return this.rowsOf(texts);
  }

  /** The two graph inputs for a batch of texts. */
  featurize(texts: readonly string[]): OnnxFeatures {
    return pad(this.rowsOf(texts));
  }
}

function sameFolding(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k]);
}

/** Rows padded to one width with (id 0, value 0), which adds nothing to any score. */
export function pad(rows: SparseRows): OnnxFeatures {
  const batch = rows.indptr.length - 1;
  let width = 1;
  for (let i = 0; i < batch; i++) width = Math.max(width, rows.indptr[i + 1] - rows.indptr[i]);
  const ids = new BigInt64Array(batch * width);
  // Ids are non-negative and below 2³¹: each int64 is its low 32-bit word (little-endian) and a 0.
  const words = new Int32Array(ids.buffer);
  const values = new Float32Array(batch * width);
  for (let i = 0; i < batch; i++) {
    const start = rows.indptr[i];
    const count = rows.indptr[i + 1] - start;
    for (let j = 0; j < count; j++) words[2 * (i * width + j)] = rows.indices[start + j];
    values.set(rows.data.subarray(start, start + count), i * width);
  }
  return { ids, values, batch, width };
}

function tfidfRows(f: TfidfFeatureSpec, normalize: NormalizeConfig): (texts: readonly string[]) => SparseRows {
  const config = f.config as unknown as TfidfConfig;
  if (!!f.charBlock !== !!config.charNgrams) throw new ModelFormatError('featurizer.json', 'charBlock and config.charNgrams must be given together');
  const tokens: string[] = [];
  const tokenIds = new Map<string, number>();
  let ngrams: Int32Array;
  if (f.bucketOfFeature) {
    ngrams = new Int32Array(f.bucketOfFeature.length * 3).fill(-1);
    f.bucketOfFeature.forEach((b, i) => (ngrams[i * 3] = b));
  } else {
    const features = f.features ?? [];
    ngrams = new Int32Array(features.length * 3).fill(-1);
    features.forEach((ngram, i) => {
      ngram.forEach((t, j) => {
        let id = tokenIds.get(t);
        if (id === undefined) {
          id = tokens.push(t) - 1;
          tokenIds.set(t, id);
        }
        ngrams[i * 3 + j] = id;
      });
    });
  }
  // The character block's keys carry the vectorizer's mark, as in a model directory.
  const charStart = f.charBlock ? f.charBlock.firstFeature : ngrams.length / 3;
  for (let i = charStart; i < ngrams.length / 3; i++) ngrams[i * 3 + 1] = CHAR_NGRAM_MARK;
  const idf = Float32Array.from(f.idf);
  if (idf.length * 3 !== ngrams.length) throw new ModelFormatError('featurizer.json', `${idf.length} idf values for ${ngrams.length / 3} features`);
  const vectorizer = TfidfVectorizer.fromArrays(config, { tokens: new TextEncoder().encode(tokens.join('\n')), ngrams, idf });
  return (texts) => {
    const X = tfidfMatrix(vectorizer, normalize, texts);
    return { indptr: X.indptr, indices: X.indices, data: f.binarize ? new Float32Array(X.data.length).fill(1) : X.data };
  };
}

function fasttextRows(f: FasttextFeatureSpec, normalize: NormalizeConfig): (texts: readonly string[]) => SparseRows {
  const cfg = { wordNgrams: f.wordNgrams, buckets: f.buckets, minn: f.minn, maxn: f.maxn };
  const featurizer = new Featurizer(cfg, f.words, bucketRowMap(Int32Array.from(f.usedBuckets), f.buckets, f.words.length));
  const buf = new IntBuffer();
  return (texts) => {
    const indptr = new Int32Array(texts.length + 1);
    const indices: number[] = [];
    const counts: number[] = [];
    texts.forEach((text, t) => {
      featurizer.rows(normalizeText(text, normalize), buf);
      const sorted = buf.data.subarray(0, buf.length).sort();
      for (let i = 0; i < sorted.length; i++) {
        if (i > 0 && sorted[i] === sorted[i - 1]) counts[counts.length - 1]++;
        else {
          indices.push(sorted[i]);
          counts.push(1);
        }
      }
      indptr[t + 1] = indices.length;
    });
    return { indptr, indices: Int32Array.from(indices), data: Float32Array.from(counts) };
  };
}
