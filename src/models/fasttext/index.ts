import { targetCount, type Task, type Targets } from '../../data/targets.js';
import { DEFAULT_NORMALIZE, normalizeText, type NormalizeConfig } from '../../text/normalize.js';
import { createRng, shuffleInPlace } from '../../util/random.js';
import { DEFAULT_TRAINING_CONTROLS, type Classifier, type EpochRecord, type EpochTrace, type FitInput, type ModelFactory, type ModelState, type TrainingControls } from '../classifier.js';
import { EarlyStopper, validationMetric } from './early-stopping.js';
import { BucketRanks, encodeTraining, Featurizer, IntBuffer, type UnitConfig } from './features.js';
import { VocabIndex } from './scan.js';
import { HogwildPool, shared, sharedFloat32 } from './hogwild.js';
import { dotRows, projectRowsInto } from './project.js';
import { buildLabelTree, type LabelTree } from './huffman.js';
import { addRow, dotRow, initUniform, sigmoid, SliceTrainer, softmaxScores, type EpochStats, type LossKind, type TrainData, type TrainParams, type Weights } from './train-core.js';

/**
 * fastText-style supervised classifier (Joulin et al. 2016, "Bag of Tricks for Efficient Text
 * Classification"): the average of word, word n-gram and optional character n-gram embeddings,
 * followed by a linear softmax / one-vs-all / hierarchical-softmax layer, trained by SGD with a
 * linearly decaying learning rate, on several threads with Hogwild.
 */
export interface FasttextOptions {
  normalize: NormalizeConfig;
  /** Embedding size (fastText -dim). */
  dim: number;
  epoch: number;
  /** Initial learning rate; decays linearly to 0 over training. */
  lr: number;
  /** Longest word n-gram (1 = words only). */
  wordNgrams: number;
  /** Words seen fewer times are left out of the vocabulary (their n-grams still count). */
  minCount: number;
  /** Hash buckets shared by word and character n-grams. */
  buckets: number;
  /** Character n-gram lengths of `<word>`, in code points; maxn 0 = none. */
  minn: number;
  maxn: number;
  /** softmax: single-label; ova: one sigmoid per label (multilabel); hs: hierarchical softmax. */
  loss: LossKind;
  /** 1 = in-process and deterministic; more = Hogwild worker threads (not bit-reproducible). */
  threads: number;
  /** `balanced` weighs classes inversely to their frequency (per label and side for ova). */
  classWeight: 'balanced' | null;
}

/** fastText's supervised defaults (dim 100, lr 0.1, epoch 5) with bigrams; ova for multilabel tasks. */
export function defaultFasttextOptions(task: Task): FasttextOptions {
  return {
    normalize: DEFAULT_NORMALIZE,
    dim: 100,
    epoch: 5,
    lr: 0.1,
    wordNgrams: 2,
    minCount: 1,
    buckets: 2_000_000,
    minn: 0,
    maxn: 0,
    loss: task === 'multilabel' ? 'ova' : 'softmax',
    threads: 1,
    classWeight: null,
  };
}

const TYPE = 'fasttext';

/** Per-row output projections; `done` marks the rows filled in so far, null when all are. */
interface ProjectionTable {
  values: Float32Array;
  done: Uint8Array | null;
}


/** What toState keeps in `config`. */
interface FasttextConfig extends UnitConfig {
  task: Task;
  labels: string[];
  normalize: NormalizeConfig;
  dim: number;
  loss: LossKind;
  numWords: number;
  numUsedBuckets: number;
  numOutputs: number;
}

export class FasttextClassifier implements Classifier {
  readonly type = TYPE;
  readonly task: Task;
  readonly labels: readonly string[];
  private readonly featurizer: Featurizer;
  private readonly rowsBuf = new IntBuffer();
  private readonly hidden: Float32Array;
  private readonly scores: Float32Array;
  /** The per-epoch curve of the training run that produced this model (null once restored from state). */
  trace: EpochTrace | null = null;
  /**
   * Once the weights are final (after training, or restored): each input row's projection onto
   * the output layer (numOutputs numbers). Scores are linear in the mean of the rows, so a text
   * costs numOutputs additions per unit instead of dim additions plus numOutputs × dim for the
   * output layer, and reads a few bytes per row instead of a 400-byte row of a matrix that can be
   * hundreds of megabytes (IMDB: 1M rows) — the cache misses were most of the prediction time.
   * Training computes every row's projection once at the end and the model keeps them
   * (`projected`, see toState and keepsProjection); a model saved without them (by an older
   * textclass) fills rows in on first use (`done`), where that pays (projectionTable).
   */
  private projected: ProjectionTable | null = null;
  private frozen = false;
  private readonly logits: Float64Array;

  /** The vocabulary as given, or null until `words` splits `joinedWords`. */
  private wordList: readonly string[] | null;
  private readonly joinedWords: string | null;

  constructor(
    private readonly config: FasttextConfig,
    /** The vocabulary, or (a restored model) the words joined by '\n' as stored. */
    words: readonly string[] | string,
    readonly usedBuckets: Int32Array,
    readonly input: Float32Array,
    readonly output: Float32Array,
    private readonly tree: LabelTree | null,
    /** Every row's projection (rows × numOutputs), as toState keeps it; null = none kept. */
    projected: Float32Array | null = null,
  ) {
    this.task = config.task;
    this.labels = config.labels;
    this.wordList = typeof words === 'string' ? null : words;
    this.joinedWords = typeof words === 'string' ? words : null;
    const vocab = typeof words === 'string' ? VocabIndex.fromJoined(words) : VocabIndex.fromWords(words);
    if (vocab.size !== config.numWords) throw new Error(`fasttext: the vocabulary has ${vocab.size} words, the model ${config.numWords}`);
    this.featurizer = new Featurizer(config, vocab, BucketRanks.fromUsed(usedBuckets, config.buckets, config.numWords));
    this.hidden = new Float32Array(config.dim);
    this.scores = new Float32Array(Math.max(1, config.numOutputs));
    this.logits = new Float64Array(Math.max(1, config.numOutputs));
    if (projected !== null) this.projected = this.fullTable(projected);
  }

  private fullTable(projected: Float32Array): ProjectionTable {
    const rows = this.config.numWords + this.config.numUsedBuckets;
    if (projected.length !== rows * this.config.numOutputs) throw new Error(`fasttext: projected has ${projected.length} values, expected ${rows} rows × ${this.config.numOutputs} outputs`);
    return { values: projected, done: null };
  }

  /**
   * Declares the weights final, so predictions may cache per-row projections. Training builds the
   * model over the arrays it is still updating (dev is scored between epochs): it freezes the
   * model only when done, with every row's projection where keepsProjection says so (project.ts).
   */
  /** The vocabulary (word w is input row w); a restored model splits its stored form on first use. */
  get words(): readonly string[] {
    this.wordList ??= this.joinedWords === '' || this.joinedWords === null ? [] : this.joinedWords.split('\n');
    return this.wordList;
  }

  freeze(projected: Float32Array | null = null): this {
    this.frozen = true;
    if (projected !== null) this.projected = this.fullTable(projected);
    return this;
  }

  /**
   * The table to score through: the full one a trained model keeps, else (a model saved without
   * it) one filled in lazily where that pays: a row's first use costs numOutputs dot products of
   * dim, so only with few outputs (binary sentiment: 2; GoEmotions' 28 one-vs-all outputs over
   * short texts whose rows rarely repeat within a run measured slower, cold, than the plain path).
   */
  private projectionTable(): ProjectionTable | null {
    if (!this.frozen) return null;
    if (this.projected?.done === null) return this.projected;
    if (this.config.numOutputs * 8 > this.config.dim) return null;
    if (this.projected === null) {
      const rows = this.config.numWords + this.config.numUsedBuckets;
      this.projected = { values: new Float32Array(rows * this.config.numOutputs), done: new Uint8Array(rows) };
    }
    return this.projected;
  }

  predictProba(texts: readonly string[]): Float32Array {
    const K = this.labels.length;
    const out = new Float32Array(texts.length * K);
    const table = this.projectionTable();
    for (let i = 0; i < texts.length; i++) {
      const text = normalizeText(texts[i], this.config.normalize);
      if (table) {
        this.projectedLogits(text, table);
        this.scoreLogitsInto(out, i * K);
      } else {
        this.embed(text);
        this.scoreInto(out, i * K);
      }
    }
    return out;
  }

  /** logits = output · mean(rows), as the mean of the rows' cached projections. */
  private projectedLogits(text: string, table: ProjectionTable): void {
    const rows = this.rowsBuf;
    this.featurizer.rows(text, rows);
    const { dim, numOutputs: O } = this.config;
    const z = this.logits;
    z.fill(0);
    const { values, done } = table;
    const ids = rows.data;
    const n = rows.length;
    if (done !== null) {
      for (let i = 0; i < n; i++) {
        const r = ids[i];
        if (done[r] !== 0) continue;
        for (let o = 0; o < O; o++) values[r * O + o] = dotRows(this.output, o * dim, this.input, r * dim, dim);
        done[r] = 1;
      }
    }
    // Unrolled by four (V8 does not vectorize); this loop is most of a short text's prediction.
    const O4 = O - (O % 4);
    for (let i = 0; i < n; i++) {
      const at = ids[i] * O;
      let o = 0;
      for (; o < O4; o += 4) {
        z[o] += values[at + o];
        z[o + 1] += values[at + o + 1];
        z[o + 2] += values[at + o + 2];
        z[o + 3] += values[at + o + 3];
      }
      for (; o < O; o++) z[o] += values[at + o];
    }
    if (n > 0) for (let o = 0; o < O; o++) z[o] /= n;
  }

  /** scoreInto's rules (softmax, one-vs-all, tree) applied to already computed logits. */
  private scoreLogitsInto(out: Float32Array, at: number): void {
    const { loss } = this.config;
    const K = this.labels.length;
    const z = this.logits;
    if (loss === 'softmax') {
      let max = -Infinity;
      for (let k = 0; k < K; k++) if (z[k] > max) max = z[k];
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(z[k] - max);
      for (let k = 0; k < K; k++) out[at + k] = Math.exp(z[k] - max) / sum;
    } else if (loss === 'hs' && this.tree) {
      const nodes = this.scores;
      for (let n = 0; n < this.config.numOutputs; n++) nodes[n] = sigmoid(z[n]);
      this.pathProducts(this.tree, out, at);
    } else {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += out[at + k] = sigmoid(z[k]);
      if (this.task !== 'multilabel' && sum > 0) for (let k = 0; k < K; k++) out[at + k] /= sum;
    }
  }

  /** hidden = mean of the known input rows of the text (zero when none is known). */
  private embed(text: string): void {
    const rows = this.rowsBuf;
    this.featurizer.rows(text, rows);
    const { dim } = this.config;
    const h = this.hidden;
    const m = this.input;
    h.fill(0);
    for (let i = 0; i < rows.length; i++) {
      addRow(h, m, rows.data[i] * dim, dim);
    }
    if (rows.length > 0) for (let d = 0; d < dim; d++) h[d] /= rows.length;
  }

  private scoreInto(out: Float32Array, at: number): void {
    const { dim, loss } = this.config;
    const K = this.labels.length;
    if (loss === 'softmax') {
      softmaxScores(this.output, this.hidden, this.scores, K, dim);
      out.set(this.scores.subarray(0, K), at);
    } else if (loss === 'hs' && this.tree) {
      this.treeProbabilities(this.tree, out, at);
    } else {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += out[at + k] = sigmoid(dotRow(this.output, k, this.hidden, dim));
      // Single-label scores must sum to 1: one-vs-all sigmoids are renormalized.
      if (this.task !== 'multilabel' && sum > 0) for (let k = 0; k < K; k++) out[at + k] /= sum;
    }
  }

  /** p(label) = product of the branch probabilities along its path; sums to 1 over labels. */
  private treeProbabilities(tree: LabelTree, out: Float32Array, at: number): void {
    const { dim } = this.config;
    const nodes = this.scores;
    for (let n = 0; n < this.config.numOutputs; n++) nodes[n] = sigmoid(dotRow(this.output, n, this.hidden, dim));
    this.pathProducts(tree, out, at);
  }

  /** Label probabilities from the tree's node probabilities (in `this.scores`). */
  private pathProducts(tree: LabelTree, out: Float32Array, at: number): void {
    const nodes = this.scores;
    for (let k = 0; k < this.labels.length; k++) {
      let p = 1;
      for (let i = tree.pathOffsets[k]; i < tree.pathOffsets[k + 1]; i++) {
        const s = nodes[tree.pathNodes[i]];
        p *= tree.pathCodes[i] === 1 ? s : 1 - s;
      }
      out[at + k] = p;
    }
  }

  /**
   * Persisted form: `words` (the vocabulary, UTF-8, joined by '\n'; tokens never contain one),
   * `buckets` (sorted Int32Array of the bucket ids training used), `input` ((words + used buckets)
   * × dim: word rows, then the used buckets' rows in bucket order), `output` (labels or internal
   * tree nodes × dim), and for hs the label paths. Keeping only used buckets is what keeps the
   * model directory at the size of what was learned instead of buckets × dim floats (2M × 100 ×
   * 4 bytes = 800 MB with the defaults; fastText's .bin stores them all). A restored model maps
   * bucket → row through an Int32Array of `buckets` entries (8 MB for 2M) built at load.
   */
  toState(): ModelState {
    const arrays: ModelState['arrays'] = {
      words: new TextEncoder().encode(this.joinedWords ?? this.words.join('\n')),
      buckets: this.usedBuckets,
      input: this.input,
      output: this.output,
    };
    if (this.tree) Object.assign(arrays, { treeOffsets: this.tree.pathOffsets, treeNodes: this.tree.pathNodes, treeCodes: this.tree.pathCodes });
    if (this.projected?.done === null) arrays.projected = this.projected.values;
    return { type: TYPE, config: { ...this.config, labels: [...this.config.labels] }, arrays };
  }
}

export const fasttextModel: ModelFactory<FasttextOptions> = {
  type: TYPE,

  async fit(input: FitInput, options: FasttextOptions): Promise<Classifier> {
    validate(options);
    const controls = input.training ?? DEFAULT_TRAINING_CONTROLS;
    validateControls(controls, options, input);
    const { task, labels } = input;
    const K = labels.length;
    input.progress?.('features', 0, 1);
    const unitCfg: UnitConfig = { wordNgrams: options.wordNgrams, buckets: options.buckets, minn: options.minn, maxn: options.maxn };
    const enc = encodeTraining(input.texts, unitCfg, options.minCount, (t) => normalizeText(t, options.normalize));
    input.progress?.('features', 1, 1);

    const n = input.texts.length;
    const { labelOffsets, labelIds } = labelLists(input.targets, n, K);
    const labelCounts = new Float64Array(K);
    for (const k of labelIds) labelCounts[k]++;
    const tree = options.loss === 'hs' ? buildLabelTree(labelCounts) : null;
    const numOutputs = options.loss === 'hs' ? Math.max(0, K - 1) : K;
    const numRows = enc.words.length + enc.usedBuckets.length;
    const { dim, threads } = options;
    const multi = threads > 1;

    // Uneven example weights (balanced classes, explicit weights) are applied by how often an
    // example is drawn, not by scaling its learning rate: balanced weights reach 50x on skewed data
    // (DailyDialog's "fear"), and SGD steps that large diverge. Same expectation, bounded steps.
    const rawWeights = exampleWeights(input, options, labelOffsets, labelIds, labelCounts);
    const uniform = rawWeights.every((v) => v === rawWeights[0]);
    const data: TrainData = {
      offsets: enc.offsets,
      rows: enc.rows,
      counts: enc.counts,
      invNorm: enc.invNorm,
      labelOffsets,
      labelIds,
      weights: uniform ? rawWeights : new Float32Array(n).fill(1),
      outWeights: options.classWeight === 'balanced' && options.loss === 'ova' ? balancedSideWeights(labelCounts, n, Math.max(1, MAX_WEIGHTED_RATE / options.lr)) : new Float32Array(2 * K).fill(1),
      focalAlpha: focalAlphaTable(controls, labels),
      order: uniform ? epochOrders(n, options.epoch, input.seed) : weightedEpochOrders(rawWeights, options.epoch, input.seed),
      pathOffsets: tree?.pathOffsets ?? new Int32Array(1),
      pathNodes: tree?.pathNodes ?? new Int32Array(0),
      pathCodes: tree?.pathCodes ?? new Uint8Array(0),
    };
    const weights: Weights = {
      input: multi ? sharedFloat32(numRows * dim) : new Float32Array(numRows * dim),
      output: multi ? sharedFloat32(numOutputs * dim) : new Float32Array(numOutputs * dim),
    };
    const params = trainParams(options, controls, numOutputs, n);

    const config: FasttextConfig = {
      task,
      labels: [...labels],
      normalize: options.normalize,
      ...unitCfg,
      dim,
      loss: options.loss,
      numWords: enc.words.length,
      numUsedBuckets: enc.usedBuckets.length,
      numOutputs,
    };
    // Built before training over the very weight arrays being trained, so dev can be scored between epochs.
    const model = new FasttextClassifier(config, enc.words, enc.usedBuckets, weights.input, weights.output, tree);
    const runner = multi ? await hogwildRunner(data, params, weights, threads, input.seed) : localRunner(data, params, weights, input.seed);
    let projected: Float32Array | null = null;
    try {
      model.trace = await runEpochs(runner, model, weights, options.epoch, controls, input);
      if (keepsProjection(numOutputs, dim)) {
        projected = multi ? sharedFloat32(numRows * numOutputs) : new Float32Array(numRows * numOutputs);
        await runner.project(projected, numOutputs);
      }
    } finally {
      await runner.close();
    }
    return model.freeze(projected);
  },

  fromState(state: ModelState): Classifier {
    const c = state.config as unknown as FasttextConfig;
    const a = state.arrays;
    const words = new TextDecoder().decode(a.words as Uint8Array);
    const tree = c.loss === 'hs' ? { pathOffsets: a.treeOffsets as Int32Array, pathNodes: a.treeNodes as Int32Array, pathCodes: a.treeCodes as Uint8Array } : null;
    const projected = (a.projected as Float32Array | undefined) ?? null;
    return new FasttextClassifier(c, words, a.buckets as Int32Array, a.input as Float32Array, a.output as Float32Array, tree, projected).freeze();
  },
};

/**
 * Whether a trained model keeps every row's projection (project.ts): where the table is at most
 * half the size of the input matrix. GoEmotions (28 one-vs-all outputs, dim 100): 27 MB next to
 * 97 MB, and a short text's prediction ~2x faster than with the plain embedding path.
 */
export function keepsProjection(numOutputs: number, dim: number): boolean {
  return numOutputs > 0 && numOutputs * 2 <= dim;
}

/** Trains epoch by epoch, on this thread or on Hogwild workers, and projects the final rows. */
interface EpochRunner {
  epoch(e: number): Promise<EpochStats>;
  /** Fills `table` (rows × numOutputs) with every input row's projection (project.ts). */
  project(table: Float32Array, numOutputs: number): Promise<void>;
  close(): Promise<void>;
}

function localRunner(data: TrainData, params: TrainParams, weights: Weights, seed: number): EpochRunner {
  initUniform(weights.input, 0, weights.input.length, 1 / params.dim, seed);
  const trainer = new SliceTrainer(data, params, weights, 0, 1, seed);
  return {
    epoch: async (e) => trainer.epoch(e),
    project: async (table, O) => projectRowsInto(weights.input, weights.output, table, 0, weights.input.length / params.dim, O, params.dim),
    close: async () => {},
  };
}

async function hogwildRunner(data: TrainData, params: TrainParams, weights: Weights, threads: number, seed: number): Promise<EpochRunner> {
  const sharedData = Object.fromEntries(Object.entries(data).map(([k, v]: [string, Int32Array | Float32Array | Uint8Array]) => [k, shared(v)])) as unknown as TrainData;
  const pool = await HogwildPool.start(sharedData, params, weights, threads, seed);
  return { epoch: (e) => pool.epoch(e), project: (table, O) => pool.project(table, O), close: () => pool.close() };
}

/**
 * Runs the epochs, recording each one's curve point; with early stopping, scores the validation
 * data after every epoch, stops after `patience` epochs without improvement and puts the best
 * epoch's weights back. The caller closes the runner.
 */
async function runEpochs(runner: EpochRunner, model: FasttextClassifier, weights: Weights, epochs: number, controls: TrainingControls, input: FitInput): Promise<EpochTrace> {
  const rule = controls.earlyStopping;
  const stopper = rule ? new EarlyStopper(rule) : null;
  const records: EpochRecord[] = [];
  let stoppedEarly = false;
  for (let e = 0; e < epochs && !stoppedEarly; e++) {
    const s = await runner.epoch(e);
    const record: EpochRecord = { epoch: e + 1, trainLoss: s.examples > 0 ? s.lossSum / s.examples : 0, lr: s.examples > 0 ? s.lrSum / s.examples : 0 };
    if (stopper && rule && input.validation) {
      const v = input.validation;
      record.dev = validationMetric(rule.metric, input.task, input.labels, v.targets, model.predictProba(v.texts));
      stoppedEarly = stopper.update(e + 1, record.dev, weights) && e + 1 < epochs;
    }
    records.push(record);
    input.onEpoch?.(record);
    input.progress?.('train', e + 1, epochs);
  }
  stopper?.restore(weights);
  return { epochs: records, metric: rule?.metric ?? null, bestEpoch: stopper?.bestEpoch ?? records.length, stoppedEarly };
}

function trainParams(o: FasttextOptions, c: TrainingControls, numOutputs: number, numExamples: number): TrainParams {
  return {
    dim: o.dim,
    numOutputs,
    loss: o.loss,
    epochs: o.epoch,
    numExamples,
    schedule: { kind: c.lrSchedule, lr: o.lr, epochs: o.epoch, warmupEpochs: c.warmupEpochs, lrDecay: c.lrDecay },
    objective: c.loss,
    focalGamma: c.focalGamma,
    weightDecay: c.weightDecay,
    clipGradNorm: c.clipGradNorm ?? 0,
  };
}

/**
 * Focal α per label as [negative side, positive side]: Lin et al.'s α_t is α for a positive and
 * 1 − α for a negative of a sigmoid; softmax uses the positive side of the true class. Labels a
 * map leaves out get 0.5 (no preference). Without α (or with cross entropy) all ones.
 */
function focalAlphaTable(c: TrainingControls, labels: readonly string[]): Float32Array {
  const out = new Float32Array(2 * labels.length).fill(1);
  if (c.loss !== 'focal' || c.focalAlpha === null) return out;
  const alpha = c.focalAlpha;
  labels.forEach((label, k) => {
    const a = typeof alpha === 'number' ? alpha : (alpha[label] ?? 0.5);
    out[k * 2] = 1 - a;
    out[k * 2 + 1] = a;
  });
  return out;
}

/** Checks the training controls against the options and the data (the recipe layer has said it in its own words first). */
function validateControls(c: TrainingControls, o: FasttextOptions, input: FitInput): void {
  if (c.loss === 'focal' && o.loss === 'hs') throw new Error('fasttext: focal loss needs softmax or ova outputs, not hs');
  if (!(c.focalGamma >= 0)) throw new Error(`fasttext: focalGamma must be >= 0, got ${c.focalGamma}`);
  const alphas = c.focalAlpha === null ? [] : typeof c.focalAlpha === 'number' ? [c.focalAlpha] : Object.values(c.focalAlpha);
  for (const a of alphas) if (!(a > 0 && a < 1)) throw new Error(`fasttext: focal alpha must be in (0, 1), got ${a}`);
  if (c.focalAlpha !== null && typeof c.focalAlpha === 'object') {
    const unknown = Object.keys(c.focalAlpha).filter((l) => !input.labels.includes(l));
    if (unknown.length > 0) throw new Error(`fasttext: focal alpha for ${unknown.join(', ')}, not labels of the model (labels: ${input.labels.join(', ')})`);
  }
  if (!(c.warmupEpochs >= 0 && c.warmupEpochs < o.epoch)) throw new Error(`fasttext: warmupEpochs must be in [0, epoch ${o.epoch}), got ${c.warmupEpochs}`);
  if (!(c.lrDecay > 0 && c.lrDecay <= 1)) throw new Error(`fasttext: lrDecay must be in (0, 1], got ${c.lrDecay}`);
  if (!(c.weightDecay >= 0)) throw new Error(`fasttext: weightDecay must be >= 0, got ${c.weightDecay}`);
  if (c.clipGradNorm !== null && !(c.clipGradNorm > 0)) throw new Error(`fasttext: clipGradNorm must be > 0 or null, got ${c.clipGradNorm}`);
  const es = c.earlyStopping;
  if (es && (!input.validation || targetCount(input.validation.targets) === 0)) throw new Error('fasttext: early stopping needs validation data');
  if (es && !(Number.isInteger(es.patience) && es.patience >= 1)) throw new Error(`fasttext: patience must be an integer >= 1, got ${es.patience}`);
  if (es && !(es.minDelta >= 0)) throw new Error(`fasttext: minDelta must be >= 0, got ${es.minDelta}`);
}

function validate(o: FasttextOptions): void {
  const positive: [string, number][] = [['dim', o.dim], ['epoch', o.epoch], ['wordNgrams', o.wordNgrams], ['minCount', o.minCount], ['buckets', o.buckets], ['threads', o.threads]];
  for (const [name, v] of positive) if (!Number.isInteger(v) || v < 1) throw new Error(`fasttext: ${name} must be a positive integer, got ${v}`);
  if (!(o.lr > 0)) throw new Error(`fasttext: lr must be > 0, got ${o.lr}`);
  if (o.maxn > 0 && !(Number.isInteger(o.minn) && o.minn >= 1 && o.minn <= o.maxn)) throw new Error(`fasttext: need 1 <= minn <= maxn, got minn ${o.minn}, maxn ${o.maxn}`);
  if (!['softmax', 'ova', 'hs'].includes(o.loss)) throw new Error(`fasttext: unknown loss ${String(o.loss)}`);
}

/** Label lists of every example (CSR), from either kind of target. */
function labelLists(t: Targets, n: number, K: number): { labelOffsets: Int32Array; labelIds: Int32Array } {
  const labelOffsets = new Int32Array(n + 1);
  if (t.kind === 'single') {
    for (let i = 0; i < n; i++) labelOffsets[i + 1] = i + 1;
    return { labelOffsets, labelIds: Int32Array.from(t.y) };
  }
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) if (t.y[i * K + k] === 1) ids.push(k);
    labelOffsets[i + 1] = ids.length;
  }
  return { labelOffsets, labelIds: Int32Array.from(ids) };
}

/**
 * Per-example learning-rate multipliers: the caller's sample weights times, with balanced class
 * weights and a single-target loss, n / (K · count) of the example's (first) label. For ova the
 * balancing is per label and side instead (balancedSideWeights).
 */
function exampleWeights(input: FitInput, o: FasttextOptions, labelOffsets: Int32Array, labelIds: Int32Array, labelCounts: Float64Array): Float32Array {
  const n = labelOffsets.length - 1;
  const w = input.sampleWeights ? Float32Array.from(input.sampleWeights) : new Float32Array(n).fill(1);
  if (o.classWeight !== 'balanced' || o.loss === 'ova') return w;
  const present = labelCounts.filter((c) => c > 0).length;
  for (let i = 0; i < n; i++) {
    if (labelOffsets[i] === labelOffsets[i + 1]) continue;
    w[i] *= n / (present * labelCounts[labelIds[labelOffsets[i]]]);
  }
  return w;
}

/**
 * The largest learning rate × class weight of an ova step. Balanced weights n / (2 · positives)
 * reach the hundreds for rare labels (GoEmotions' grief: 282), and SGD steps of 0.1 × 282 make
 * training diverge: the summed train loss climbed to ~300 per example and every score saturated
 * at 0 or 1. fastText's useful learning rates end at about 1, so a weighted step is held there.
 */
export const MAX_WEIGHTED_RATE = 1;

/**
 * Balanced weights of each one-vs-all problem: [neg₀, pos₀, neg₁, pos₁, …], as tfidf-logreg uses,
 * each at most `maxWeight` (see MAX_WEIGHTED_RATE): a rare label still gets many times the pull
 * of its negatives, without steps that overshoot.
 */
export function balancedSideWeights(pos: Float64Array, n: number, maxWeight: number): Float32Array {
  const out = new Float32Array(pos.length * 2);
  for (let k = 0; k < pos.length; k++) {
    const neg = n - pos[k];
    out[k * 2] = Math.min(maxWeight, neg > 0 ? n / (2 * neg) : 1);
    out[k * 2 + 1] = Math.min(maxWeight, pos[k] > 0 ? n / (2 * pos[k]) : 1);
  }
  return out;
}

/**
 * n draws per epoch with replacement, example i with probability w_i / Σw (seeded, drawn up
 * front like epochOrders): the expected update of an epoch equals that of weighting each step.
 */
function weightedEpochOrders(weights: Float32Array, epochs: number, seed: number): Int32Array {
  const n = weights.length;
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cumulative[i] = total += Math.max(0, weights[i]);
  const rng = createRng(seed);
  const order = new Int32Array(n * epochs);
  for (let j = 0; j < order.length; j++) {
    const u = rng() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    order[j] = lo;
  }
  return order;
}

/** One seeded permutation per epoch, drawn up front so workers need no messages per epoch. */
function epochOrders(n: number, epochs: number, seed: number): Int32Array {
  const rng = createRng(seed);
  const order = new Int32Array(n * epochs);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let e = 0; e < epochs; e++) {
    shuffleInPlace(perm, rng);
    order.set(perm, e * n);
  }
  return order;
}
