import type { TfidfVectorizer } from '../features/tfidf.js';
import type { Classifier } from '../models/classifier.js';
import { linearViewOf, type LinearView } from './linear-view.js';

/** One feature and its weight for a label. */
export interface FeatureWeight {
  /** Column of the TF-IDF matrix. */
  feature: number;
  /**
   * Word n-grams joined with a space (`not good`); character n-grams with spaces shown as `␣`
   * (`␣goo`). Null for hashed features: only the bucket is stored, not the n-grams that hit it.
   */
  name: string | null;
  /** Hashed features: the bucket id (the name is unavailable). */
  bucket?: number;
  /** Set on features of the character block of a word + character model (TfidfConfig.charNgrams). */
  block?: 'char';
  weight: number;
}

export interface LabelFeatures {
  label: string;
  /** The k features with the largest weight (pushing towards the label), largest first. */
  toward: FeatureWeight[];
  /** The k with the smallest (pushing against it), smallest first; empty unless asked for. */
  against: FeatureWeight[];
}

/**
 * Per-label top features of a TF-IDF model, or why there are none. `weight` says what the numbers
 * are: `coefficient` (logistic regression, linear SVM, NB-SVM: the label's weight on the feature's
 * TF-IDF value; NB-SVM's includes its log-count ratio), `nb-log-prob-vs-others` (naive Bayes,
 * single-label: log P(f | label) − mean over the other classes of log P(f | class)),
 * `nb-log-prob-present-vs-absent` (naive Bayes, multilabel: log P(f | present) − log P(f | absent)).
 */
export type TopFeatures =
  | { available: true; weight: 'coefficient' | 'nb-log-prob-vs-others' | 'nb-log-prob-present-vs-absent'; hashed: boolean; labels: LabelFeatures[] }
  | { available: false; reason: string };

export interface TopFeaturesOptions {
  /** Also list the k features pushing most against each label. Default false. */
  against?: boolean;
}

/**
 * The k features pushing most towards (and optionally against) each label. One pass over the
 * vocabulary with a bounded heap per label: O(F · labels · log k).
 */
export function topFeatures(classifier: Classifier, k: number, options: TopFeaturesOptions = {}): TopFeatures {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const view = linearViewOf(classifier);
  if (view === null) {
    return {
      available: false,
      reason:
        `a ${classifier.type} model has no per-feature weights to rank: its score mixes learned embeddings of words, ` +
        'n-grams and subwords, so no single number per feature is the model; explain concrete texts instead (by occlusion)',
    };
  }
  const L = view.numLabels;
  const scale = weightScale(view);
  const toward = Array.from({ length: L }, () => new BoundedHeap(k));
  const against = options.against ? Array.from({ length: L }, () => new BoundedHeap(k)) : null;
  const w = new Float64Array(L);
  const F = view.vectorizer.numFeatures;
  for (let f = 0; f < F; f++) {
    view.labelWeights(f, w);
    for (let l = 0; l < L; l++) {
      const value = w[l] * scale;
      toward[l].offer(f, value);
      against?.[l].offer(f, -value);
    }
  }
  const hashed = Boolean(view.vectorizer.config.hashBuckets);
  return {
    available: true,
    weight: view.scoreKind === 'nb-log-likelihood' ? 'nb-log-prob-vs-others' : view.scoreKind === 'nb-log-odds' ? 'nb-log-prob-present-vs-absent' : 'coefficient',
    hashed,
    labels: classifier.labels.map((label, l) => ({
      label,
      toward: toward[l].sorted().map(([f, v]) => featureWeight(view.vectorizer, f, v)),
      against: against ? against[l].sorted().map(([f, v]) => featureWeight(view.vectorizer, f, -v)) : [],
    })),
  };
}

/**
 * The view's single-label naive Bayes weights are centred over all K classes; against the mean of
 * the *other* classes they are K / (K − 1) times larger (same order).
 */
function weightScale(view: LinearView): number {
  return view.scoreKind === 'nb-log-likelihood' && view.numLabels > 1 ? view.numLabels / (view.numLabels - 1) : 1;
}

/** How a feature is shown: see FeatureWeight.name. */
export function featureDisplayName(vectorizer: TfidfVectorizer, f: number): string | null {
  if (vectorizer.config.hashBuckets) return null;
  const name = vectorizer.featureName(f);
  // Character-block features keep their ⟨char⟩ prefix: `⟨char⟩ing␣`.
  return (vectorizer.config.analyzer ?? 'word') === 'word' && !vectorizer.isCharFeature(f) ? name : name.replace(/ /g, '␣');
}

function featureWeight(vectorizer: TfidfVectorizer, f: number, weight: number): FeatureWeight {
  const name = featureDisplayName(vectorizer, f);
  const block = vectorizer.isCharFeature(f) ? { block: 'char' as const } : {};
  return name === null ? { feature: f, name, bucket: vectorizer.ngrams[f * 3], ...block, weight } : { feature: f, name, ...block, weight };
}

/** The k largest values offered (ties: the lower feature id wins), as a min-heap. */
class BoundedHeap {
  private readonly ids: Int32Array;
  private readonly values: Float64Array;
  private size = 0;
  constructor(private readonly capacity: number) {
    this.ids = new Int32Array(capacity);
    this.values = new Float64Array(capacity);
  }

  /** a ranks below b: smaller value, or equal value and larger id. */
  private below(i: number, j: number): boolean {
    return this.values[i] < this.values[j] || (this.values[i] === this.values[j] && this.ids[i] > this.ids[j]);
  }

  offer(id: number, value: number): void {
    if (Number.isNaN(value)) return;
    if (this.size < this.capacity) {
      this.ids[this.size] = id;
      this.values[this.size] = value;
      this.siftUp(this.size++);
      return;
    }
    // Ids arrive in increasing order, so an equal value never displaces the root.
    if (value <= this.values[0]) return;
    this.ids[0] = id;
    this.values[0] = value;
    this.siftDown(0);
  }

  sorted(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.size; i++) out.push([this.ids[i], this.values[i]]);
    return out.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  }

  private swap(i: number, j: number): void {
    const id = this.ids[i];
    const v = this.values[i];
    this.ids[i] = this.ids[j];
    this.values[i] = this.values[j];
    this.ids[j] = id;
    this.values[j] = v;
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.below(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < this.size && this.below(l, smallest)) smallest = l;
      if (r < this.size && this.below(r, smallest)) smallest = r;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }
}
