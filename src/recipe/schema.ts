import { z } from 'zod';

/**
 * The recipe: one YAML or JSON file that says what to train on and how. This schema is the only
 * place its shape is defined; everything downstream receives the parsed, defaulted `Recipe`.
 * Keys are snake_case in files, as in scikit-learn and most YAML configs people already write.
 */

const positiveInt = z.number().int().positive();
const fraction = z.number().gt(0).lt(1);

const textFields = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

export const dataSchema = z.strictObject({
  format: z.enum(['goemotions-tsv', 'folder', 'csv', 'tsv', 'jsonl', 'xlsx', 'dailydialog']),
  train: z.string().min(1),
  dev: z.string().min(1).optional(),
  test: z.string().min(1).optional(),
  /** Hold out this fraction of train (seeded, stratified) as dev when no dev file is given. */
  dev_split: fraction.optional(),
  /** Hold out this fraction of train (seeded, stratified) as test when no test file is given. */
  test_split: fraction.optional(),
  /** `text`: rows with the same text (case and spacing aside) stay on one side of a split. */
  split_groups: z.enum(['text', 'none']).default('text'),
  /** xlsx: the worksheet to read (default: the first). */
  sheet: z.string().min(1).optional(),
  text_field: textFields.optional(),
  /** One label column, or several for a hierarchical label (tier 1/2/3 → `a/b/c`). */
  label_field: textFields.optional(),
  /** Joins the tiers of a hierarchical label. */
  label_path_separator: z.string().min(1).default('/'),
  label_separator: z.string().min(1).optional(),
  /** Names of integer-coded labels: a file (one name per line, resolved like data paths) or a list. */
  label_names: z.union([z.string().min(1), z.array(z.string().min(1)).min(2)]).optional(),
  /** Folder format: the label sub-folders to read (all when absent). Fixes the label order too. */
  labels: z.array(z.string().min(1)).min(2).optional(),
  /** Binary tasks: the label whose probability is the score for ROC/PR (default: the second label). */
  positive_label: z.string().min(1).optional(),
  extension: z.string().startsWith('.').default('.txt'),
  on_bad_row: z.enum(['error', 'skip']).default('error'),
});

/** Label engineering, applied in this order: groups (map_file, merge), rename, drop, rare classes. */
export const labelsSchema = z.strictObject({
  /** A JSON file mapping each new label to a list of source labels (e.g. goemotions/ekman_mapping.json). */
  map_file: z.string().min(1).optional(),
  /** New label → source labels merged into it, e.g. `anger+disgust: [anger, disgust]`. */
  merge: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).optional(),
  /** With map_file/merge: labels no group mentions are kept unchanged (`keep`) or dropped. */
  ungrouped: z.enum(['keep', 'drop']).default('keep'),
  rename: z.record(z.string().min(1), z.string().min(1)).optional(),
  drop: z.array(z.string().min(1)).optional(),
  /** Classes with fewer training rows than this are handled by `rare`. */
  min_count: positiveInt.optional(),
  rare: z.enum(['drop', 'merge']).optional(),
  /** The class `rare: merge` puts rare classes in. */
  rare_label: z.string().min(1).default('other'),
  /**
   * Hierarchical labels: `global` merges a rare path into `rare_label`; `parent` counts each tier
   * under its parent and merges a rare node into its parent's `rare_label` child (4/2/99 → 4/2/other).
   */
  rare_scope: z.enum(['global', 'parent']).default('global'),
});

/** Dialog readers: which utterance's label is the target, and how much context goes with the text. */
export const dialogSchema = z.strictObject({
  target: z.enum(['same_turn', 'next_turn']).default('same_turn'),
  context_turns: z.number().int().min(0).max(50).default(0),
  context_separator: z.string().default('\n'),
  /**
   * Repeat each context word tagged with how many turns back it was said (`p1_sorry`), so a model
   * can weigh the next speaker's own last turn apart from the turn they answer. No effect with
   * context_turns 0.
   */
  context_tags: z.boolean().default(false),
});

/** Resampling of the training rows only (dev and test are never resampled). */
export const samplingSchema = z.strictObject({
  /** Keep only this fraction of a label's rows, e.g. `no emotion: 0.5`. */
  keep: z.record(z.string().min(1), z.number().min(0).max(1)).optional(),
  /** `undersample` cuts every class to the rarest one's size; `oversample` repeats rows up to the largest. */
  balance: z.enum(['none', 'undersample', 'oversample']).default('none'),
});

export const preprocessingSchema = z.strictObject({
  unicode: z.enum(['NFKC', 'NFC', 'none']).default('NFKC'),
  lowercase: z.boolean().default(true),
  strip_html: z.boolean().default(true),
  /** Replace URLs, e-mail addresses and @mentions by the tokens xxurl, xxemail, xxuser. */
  replace_urls: z.boolean().default(true),
  replace_emails: z.boolean().default(true),
  replace_mentions: z.boolean().default(true),
  /** Replace numbers by xxnum (off by default: "10/10" says a lot in a review). */
  replace_numbers: z.boolean().default(false),
  /**
   * Fold letter variants (Arabic kaf/yeh → Persian, tatweel and harakat removed, Arabic-Indic and
   * Persian digits → ASCII, ё → е). auto: on when the training text is mostly Arabic script or Cyrillic.
   */
  fold_letters: z.union([z.literal('auto'), z.boolean()], { error: 'use auto, true or false' }).default('auto'),
});

export const featuresSchema = z.strictObject({
  type: z.literal('tfidf').default('tfidf'),
  /**
   * `word` n-grams, or character n-grams (`char`, `char_wb` within words). `auto` picks by the
   * training text's script: char_wb for Korean, char for Chinese, words elsewhere.
   */
  analyzer: z.enum(['auto', 'word', 'char', 'char_wb']).default('auto'),
  /** word: regex words; segmented: plus ICU word segmentation of Chinese, Japanese, Thai …; sklearn. */
  token_pattern: z.enum(['word', 'segmented', 'sklearn']).default('segmented'),
  /**
   * Word n-grams: 1–3. Character analyzers: n-gram lengths in characters, 1–8. Default by analyzer:
   * word [1, 2], char [1, 3], char_wb [1, 4].
   */
  ngram_range: z
    .tuple([z.number().int().min(1).max(8), z.number().int().min(1).max(8)])
    .refine(([a, b]) => a <= b, 'ngram_range must be [min, max] with min <= max')
    .optional(),
  /** Integer >= 1: documents; a number in (0, 1): fraction of documents. */
  min_df: z.number().positive().refine((v) => v < 1 || Number.isInteger(v), 'min_df >= 1 must be an integer (documents); use (0, 1) for a fraction').default(2),
  /** A number in (0, 1]: fraction of documents; an integer > 1: documents. */
  max_df: z.number().positive().refine((v) => v <= 1 || Number.isInteger(v), 'max_df > 1 must be an integer (documents); use (0, 1] for a fraction').default(1),
  max_features: positiveInt.nullable().default(null),
  /**
   * Hash n-grams into this many buckets (MurmurHash3) instead of keeping a vocabulary of strings:
   * memory stays bounded on huge corpora. null: a vocabulary. 2^18–2^22 is typical.
   */
  hash_buckets: z.number().int().min(16).max(1 << 26).nullable().default(null),
  sublinear_tf: z.boolean().default(true),
  use_idf: z.boolean().default(true),
  smooth_idf: z.boolean().default(true),
  norm: z.enum(['l2', 'none']).default('l2'),
  /** Drop stop words (the `stopword` package's list) from word tokens: null (default) | en | ru. */
  stop_words: z.enum(['en', 'ru']).nullable().default(null),
  /** Snowball-stem word tokens: null (default) | en | ru. Word analyzer only. */
  stemming: z.enum(['en', 'ru']).nullable().default(null),
  /**
   * Character n-grams counted beside the word n-grams (word analyzer only), as a second block with
   * its own l2 norm, multiplied by `weight`: null (default) | { analyzer: char | char_wb (default),
   * ngram_range: [lo, hi] in characters (1–8, default [2, 5]), weight: > 0 (default 1) }.
   */
  char_ngrams: z
    .strictObject({
      analyzer: z.enum(['char', 'char_wb']).default('char_wb'),
      ngram_range: z
        .tuple([z.number().int().min(1).max(8), z.number().int().min(1).max(8)])
        .refine(([a, b]) => a <= b, 'ngram_range must be [min, max] with min <= max')
        .default([2, 5]),
      weight: z.number().positive().finite().default(1),
    })
    .nullable()
    .default(null),
});

/**
 * `balanced` (inverse class frequency, as scikit-learn), explicit weights per label (e.g.
 * {urgent: 5}), null for none, or `auto` (the default): balanced for a single-label task whose most
 * common class has at least AUTO_BALANCE_RATIO times the training rows of its rarest, else none.
 */
const classWeight = z
  .union([z.enum(['balanced', 'auto']), z.record(z.string().min(1), z.number().positive())])
  .nullable()
  .default('auto');

const logisticModel = z.strictObject({
  type: z.literal('logistic_regression'),
  /** Inverse regularization strength, as in scikit-learn. */
  C: z.number().positive().default(4),
  max_iter: positiveInt.default(300),
  tol: z.number().positive().default(1e-4),
  class_weight: classWeight,
});

const svmModel = z.strictObject({
  type: z.literal('linear_svm'),
  C: z.number().positive().default(0.5),
  loss: z.enum(['squared_hinge', 'hinge']).default('squared_hinge'),
  max_iter: positiveInt.default(1000),
  tol: z.number().positive().default(1e-4),
  class_weight: classWeight,
  /** Folds of the internal cross-validation that fits the sigmoid turning margins into probabilities. */
  calibration_folds: z.number().int().min(2).max(10).default(3),
});

const naiveBayesModel = z.strictObject({
  type: z.literal('naive_bayes'),
  variant: z.enum(['multinomial', 'complement']).default('complement'),
  alpha: z.number().positive().default(0.3),
  class_weight: classWeight,
});

const nbsvmModel = z.strictObject({
  type: z.literal('nbsvm'),
  /** Smoothing of the log-count ratios. */
  alpha: z.number().positive().default(1),
  /** Count presence (1/0) instead of TF-IDF weights, as Wang & Manning. */
  binarize: z.boolean().default(true),
  /** Measured on IMDB (binarized 1–3-grams): C 0.5 best; with binarize false C needs 8–256. */
  C: z.number().positive().default(0.5),
  max_iter: positiveInt.default(300),
  tol: z.number().positive().default(1e-4),
  class_weight: classWeight,
});

const fasttextModel = z.strictObject({
  type: z.literal('fasttext'),
  dim: positiveInt.default(100),
  epoch: positiveInt.default(5),
  lr: z.number().positive().default(0.1),
  word_ngrams: z.number().int().min(1).max(5).default(2),
  min_count: positiveInt.default(1),
  buckets: positiveInt.default(2_000_000),
  /** Character n-gram lengths hashed with the words (0 = none), as fastText's -minn/-maxn. */
  minn: z.number().int().min(0).max(8).default(0),
  maxn: z.number().int().min(0).max(8).default(0),
  /** softmax (single-label), ova (one-vs-all sigmoids; multilabel), hs (hierarchical softmax). */
  loss: z.enum(['softmax', 'ova', 'hs']).optional(),
  /** Worker threads sharing the weights (Hogwild); 1 is fully deterministic. */
  threads: positiveInt.default(2),
  class_weight: classWeight,
});

/** The trainable head of an onnx encoder_head model, over the encoder's mean-pooled embeddings. */
const onnxHead = z.strictObject({
  type: z.enum(['logistic_regression', 'mlp']).default('logistic_regression'),
  /** logistic_regression: inverse regularization strength. */
  C: z.number().positive().default(1),
  max_iter: positiveInt.default(300),
  tol: z.number().positive().default(1e-4),
  /** mlp: hidden units, epochs and peak learning rate (the `training` section sets loss, schedule, early stopping). */
  hidden: positiveInt.default(64),
  epochs: positiveInt.default(30),
  lr: z.number().positive().default(0.01),
});

/**
 * A Hugging Face–format model run with onnxruntime (docs/onnx.md): a ready classifier used as
 * it is (`mode: classifier`), or a frozen encoder whose embeddings feed a trained head.
 */
const onnxModel = z.strictObject({
  type: z.literal('onnx'),
  /** The model folder (config.json, tokenizer.json, onnx/model.onnx), relative to the working directory; a hub id with allow_remote. */
  path: z.string().min(1),
  mode: z.enum(['classifier', 'encoder_head']).default('encoder_head'),
  /** classifier: model label → recipe label, e.g. {LABEL_0: negative}; unnamed labels match recipe labels ignoring case. */
  label_map: z.record(z.string().min(1), z.string().min(1)).optional(),
  /** Tokens per window, special tokens included (default: the model's limit). */
  max_length: z.number().int().min(4).optional(),
  /** Texts longer than max_length become windows `stride` tokens apart (default half a window); scores aggregated by mean or max. */
  window: z
    .strictObject({ stride: positiveInt.optional(), aggregate: z.enum(['mean', 'max']).default('mean') })
    .default(() => ({ aggregate: 'mean' as const })),
  /** Windows per ONNX call (sorted by length, padded per batch). */
  batch_size: positiveInt.default(32),
  /** onnxruntime intra-op threads (default: its own choice, all cores). */
  threads: positiveInt.optional(),
  /** Use onnx/model_quantized.onnx. */
  quantized: z.boolean().default(false),
  /** cuda needs onnxruntime-node's CUDA libraries (docs/onnx.md). */
  device: z.enum(['cpu', 'cuda']).default('cpu'),
  /** Download `path` from the Hugging Face hub when it is not a local folder. */
  allow_remote: z.boolean().default(false),
  /** Embedding cache and hub downloads (default $TEXTCLASS_CACHE_DIR, else ~/.cache/textclass). */
  cache_dir: z.string().min(1).optional(),
  embedding_cache: z.boolean().default(true),
  head: onnxHead.default(() => onnxHead.parse({})),
  /** encoder_head: also use TF-IDF features, appended to the embedding (concat, logistic head) or as a second model whose probabilities are averaged in. */
  combine_tfidf: z.enum(['none', 'concat', 'average']).default('none'),
  class_weight: classWeight,
});

/** The model; `type` picks the algorithm (default logistic_regression) and which fields apply. */
export const modelSchema = z.preprocess(
  (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) && !('type' in v) ? { ...v, type: 'logistic_regression' } : v),
  z.discriminatedUnion('type', [logisticModel, svmModel, naiveBayesModel, nbsvmModel, fasttextModel, onnxModel]),
);

/** Stop when the dev metric has not improved for `patience` epochs; the best epoch's weights are kept. */
const earlyStopping = z.strictObject({
  /** `loss`: dev log loss (multilabel: mean binary cross entropy), lower is better; the others higher. */
  metric: z.enum(['accuracy', 'balanced_accuracy', 'macro_f1', 'micro_f1', 'loss']),
  patience: positiveInt.default(2),
  /** An epoch improves only by more than this. */
  min_delta: z.number().min(0).default(0),
});

/**
 * Seeded randomness for every model; the other fields steer gradient training (model.type
 * fasttext) and default to plain fastText: cross entropy, learning rate decaying linearly to 0.
 */
export const trainingSchema = z.strictObject({
  seed: z.number().int().min(0).default(42),
  /** focal: −α_t (1 − p_t)^γ log p_t (Lin et al. 2017), which down-weights examples already right. */
  loss: z.enum(['cross_entropy', 'focal']).default('cross_entropy'),
  focal_gamma: z.number().min(0).default(2),
  /** α for every label, or per label ({label: α}, others 0.5); sigmoid outputs weigh negatives 1 − α. */
  focal_alpha: z.union([fraction, z.record(z.string().min(1), fraction)]).nullable().default(null),
  lr_schedule: z.enum(['linear', 'constant', 'cosine', 'exponential']).default('linear'),
  /** Epochs of linear warm-up from 0 to model.lr (fractions allowed). */
  warmup_epochs: z.number().min(0).default(0),
  /** exponential: factor per epoch. */
  lr_decay: z.number().gt(0).max(1).default(0.5),
  /** L2 on the rows each example touches, applied at its update. */
  weight_decay: z.number().min(0).default(0),
  /** Largest norm of one example's hidden-layer gradient. */
  clip_grad_norm: z.number().positive().nullable().default(null),
  early_stopping: earlyStopping.nullable().default(null),
});

/** The gradient-training fields of `training` and the values that leave training as it always was. */
const GRADIENT_TRAINING_DEFAULTS = {
  loss: 'cross_entropy',
  focal_gamma: 2,
  focal_alpha: null,
  lr_schedule: 'linear',
  warmup_epochs: 0,
  lr_decay: 0.5,
  weight_decay: 0,
  clip_grad_norm: null,
  early_stopping: null,
} as const;

export const evaluationSchema = z.strictObject({
  /**
   * Multilabel decision rule: `tune` picks a threshold per label maximizing `threshold_metric`
   * (f1, or f<beta> such as f0.5 / f2); `tune_global` one threshold for all labels maximizing
   * micro_f1, macro_f1 or samples_f1; `fixed` uses `threshold`.
   */
  thresholds: z.enum(['tune', 'tune_global', 'fixed']).default('tune'),
  threshold: z.number().gt(0).lt(1).default(0.5),
  threshold_metric: z
    .string()
    .regex(/^(f1|f\d+(\.\d+)?|micro_f1|macro_f1|samples_f1)$/, 'use f1, f<beta> (e.g. f0.5, f2), micro_f1, macro_f1 or samples_f1')
    .optional(),
  /** Pulls tuned per-label thresholds toward `threshold` for labels with few positives (0 = no pull). */
  threshold_prior_strength: z.number().min(0).default(30),
  /** Multilabel: at most this many labels per text. */
  top_k: z.number().int().min(1).optional(),
  /** Single-label: answer "not sure" when the top probability is below this. */
  abstain_below: z.number().gt(0).lt(1).optional(),
  /** Single-label: tune the "not sure" threshold so the answered rows reach this accuracy. */
  abstain_min_accuracy: z.number().gt(0).max(1).optional(),
  /** Post-hoc probability calibration: temperature scaling or isotonic regression. */
  calibration: z.enum(['none', 'temperature', 'isotonic']).default('none'),
  /** Held-out scores that thresholds, calibration and abstain are fitted on: the dev data, or k-fold out-of-fold scores of the training data. */
  tune_on: z.enum(['dev', 'cv']).default('dev'),
  cv_folds: z.number().int().min(2).max(20).default(5),
});

/**
 * One tuned parameter: a recipe field path (`model.alpha`, `dialog.context_turns`, or a whole
 * section such as `model` with object choices) and the values to try. `when` makes it apply only
 * where other fields have given values (e.g. `{model.type: naive_bayes}`).
 */
const tuneParamSchema = z
  .strictObject({
    choice: z.array(z.unknown()).min(1).optional(),
    range: z.tuple([z.number(), z.number()]).optional(),
    log_range: z.tuple([z.number().positive(), z.number().positive()]).optional(),
    int_range: z.tuple([z.number().int(), z.number().int()]).optional(),
    when: z.record(z.string().min(1), z.unknown()).optional(),
  })
  .superRefine((p, ctx) => {
    const kinds = (['choice', 'range', 'log_range', 'int_range'] as const).filter((k) => p[k] !== undefined);
    if (kinds.length !== 1) ctx.addIssue({ code: 'custom', message: `give exactly one of choice, range, log_range, int_range (got ${kinds.length ? kinds.join(', ') : 'none'})` });
    for (const k of ['range', 'log_range', 'int_range'] as const) {
      const r = p[k];
      if (r && !(r[0] < r[1])) ctx.addIssue({ code: 'custom', path: [k], message: 'must be [low, high] with low < high' });
    }
  });

/** `textclass tune`: the search space and how to search it; `train` ignores this section. */
export const tuneSchema = z.strictObject({
  /** A metric of the dev report (eval --json keys): balanced_accuracy, macro_f1, log_loss, … */
  metric: z.string().regex(/^[a-z_0-9]+$/, 'use a metric name of the dev report, e.g. balanced_accuracy or macro_f1').default('balanced_accuracy'),
  /** maximize, or minimize for losses; by default minimize for log_loss, brier_score, ece, hamming_loss. */
  direction: z.enum(['maximize', 'minimize']).optional(),
  trials: positiveInt.default(20),
  strategy: z.enum(['tpe', 'random', 'grid']).default('tpe'),
  seed: z.number().int().min(0).default(0),
  /**
   * median: every trial is first fitted on `fraction` of the training rows and scored on dev; it
   * stops there when that score is worse than the median of earlier trials at the same fraction.
   */
  pruning: z
    .strictObject({
      kind: z.enum(['median', 'none']).default('median'),
      fraction: fraction.default(0.3),
      /** Trials scored at the fraction before any is pruned. */
      warmup_trials: z.number().int().min(1).default(5),
    })
    .default(() => ({ kind: 'median' as const, fraction: 0.3, warmup_trials: 5 })),
  space: z.record(z.string().min(1), tuneParamSchema).refine((s) => Object.keys(s).length > 0, 'needs at least one parameter'),
});

/**
 * A grouping of the model's labels shown on request (`predict --group`, the API's `group`): a
 * preset (GoEmotions → Ekman or sentiment), groups given inline, or a JSON file of group → labels.
 */
export const groupingSchema = z.union([
  z.enum(['goemotions-ekman', 'goemotions-sentiment']),
  z
    .strictObject({
      groups: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).optional(),
      /** A JSON object of group → list of labels (e.g. GoEmotions' ekman_mapping.json), against --data-dir. */
      map_file: z.string().min(1).optional(),
      /** Labels no group mentions: kept as groups of their own, or left out (multilabel only). */
      unmapped: z.enum(['keep', 'drop']).default('keep'),
    })
    .refine((g) => (g.groups === undefined) !== (g.map_file === undefined), { message: 'give either groups or map_file' }),
]);

/**
 * Review → 1–10 stars (docs/usecases/rating.md): a binary sentiment model also learns a map from
 * its positive probability to the star rating, fitted on out-of-fold scores of the training rows.
 */
export const ratingSchema = z.strictObject({
  /** Where each training review's true stars are: its file name (aclImdb: `<id>_<stars>.txt`). */
  stars_from: z.literal('file_name'),
  /** A regular expression over the file name whose first group is the stars (default `_(\d+)\.[^./\\]+$`). */
  stars_pattern: z
    .string()
    .min(1)
    .refine((p) => {
      try {
        return new RegExp(`${p}|`).exec('')!.length > 1;
      } catch {
        return false;
      }
    }, 'must be a valid regular expression with a capture group for the stars, e.g. _(\\d+)\\.txt$')
    .optional(),
  /** auto: the method with the lowest cross-validated MAE; or one of them. */
  method: z.enum(['auto', 'median_isotonic', 'binned_median', 'mean_isotonic', 'quantile_match']).default('auto'),
  /** Folds of the extra fits giving out-of-fold scores (unused when evaluation.tune_on is cv: those are reused). */
  cv_folds: z.number().int().min(2).max(20).default(3),
  /** Folds of the cross-validation on the out-of-fold scores that picks the method. */
  selection_folds: z.number().int().min(2).max(20).default(5),
});

/**
 * Ticket routing over a hierarchical label (several label_field columns): how the tiers are
 * modelled and when a ticket goes to a person instead (src/usecases/routing).
 */
export const routingSchema = z.strictObject({
  /** per_tier: one model per tier, combined so each answer is a child of the tier above; flat: one model on whole paths, summed per tier. */
  strategy: z.enum(['per_tier', 'flat']).default('per_tier'),
  /** Names of the tiers for people (default: the label_field columns). */
  tier_names: z.array(z.string().min(1)).min(1).optional(),
  /** Route to the deepest tier whose confidence is at least this; below it at tier 1, to a person. */
  threshold: z.number().min(0).max(1).optional(),
  /** Instead of threshold: the lowest threshold at which routed dev tickets reach this precision. */
  target_precision: z.number().gt(0).max(1).optional(),
});

export const recipeSchema = z.strictObject({
  name: z.string().min(1).regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, ".", "_" and "-" only'),
  description: z.string().optional(),
  task: z.enum(['binary', 'multiclass', 'multilabel']),
  data: dataSchema,
  labels: labelsSchema.optional(),
  dialog: dialogSchema.optional(),
  sampling: samplingSchema.default(() => samplingSchema.parse({})),
  preprocessing: preprocessingSchema.default(() => preprocessingSchema.parse({})),
  features: featuresSchema.default(() => featuresSchema.parse({})),
  model: modelSchema.default(() => logisticModel.parse({ type: 'logistic_regression' })),
  training: trainingSchema.default(() => trainingSchema.parse({})),
  evaluation: evaluationSchema.default(() => evaluationSchema.parse({})),
  tune: tuneSchema.optional(),
  /** Ticket routing over a hierarchical label: tier models and the "send to a person" threshold. */
  routing: routingSchema.optional(),
  /** Review → 1–10 stars learnt from data (binary models of folder data). */
  rating: ratingSchema.optional(),
  /** Named groupings of the labels, e.g. `ekman: goemotions-ekman`; stored in the model. */
  groupings: z.record(z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'use lowercase letters, digits, "_" and "-" (at most 40)'), groupingSchema).optional(),
});

export type Recipe = z.output<typeof recipeSchema>;
export type DataSection = Recipe['data'];
export type ModelSection = Recipe['model'];
export type TuneSection = NonNullable<Recipe['tune']>;
export type TuneParam = TuneSection['space'][string];

/** Rules that involve more than one field. */
export const checkedRecipeSchema = recipeSchema.superRefine((r, ctx) => {
  const d = r.data;
  const tabular = d.format === 'csv' || d.format === 'tsv' || d.format === 'jsonl' || d.format === 'xlsx';
  if (tabular && !d.text_field) ctx.addIssue({ code: 'custom', path: ['data', 'text_field'], message: `required for format ${d.format}` });
  if (tabular && !d.label_field) ctx.addIssue({ code: 'custom', path: ['data', 'label_field'], message: `required for format ${d.format}` });
  if (d.format === 'goemotions-tsv' && !d.label_names) {
    ctx.addIssue({ code: 'custom', path: ['data', 'label_names'], message: 'required for format goemotions-tsv (e.g. goemotions/emotions.txt)' });
  }
  if (d.labels && d.format !== 'folder') ctx.addIssue({ code: 'custom', path: ['data', 'labels'], message: 'only used by format folder' });
  if (d.dev && d.dev_split) ctx.addIssue({ code: 'custom', path: ['data', 'dev_split'], message: 'give either a dev file or dev_split, not both' });
  if (d.test && d.test_split) ctx.addIssue({ code: 'custom', path: ['data', 'test_split'], message: 'give either a test file or test_split, not both' });
  if ((d.dev_split ?? 0) + (d.test_split ?? 0) >= 0.9) ctx.addIssue({ code: 'custom', path: ['data', 'test_split'], message: 'dev_split + test_split must leave at least 10% for training' });
  if (d.sheet && d.format !== 'xlsx') ctx.addIssue({ code: 'custom', path: ['data', 'sheet'], message: 'only used by format xlsx' });
  const labelFields = d.label_field?.length ?? 0;
  if (labelFields > 1 && d.label_separator) ctx.addIssue({ code: 'custom', path: ['data', 'label_separator'], message: 'a hierarchical label (several label_field columns) is one path per row; label_separator does not apply' });
  if (labelFields > 1 && d.label_names) ctx.addIssue({ code: 'custom', path: ['data', 'label_names'], message: 'label_names maps the codes of one label column; it cannot be used with several label_field columns' });
  if (labelFields > 1 && r.task === 'multilabel') ctx.addIssue({ code: 'custom', path: ['task'], message: 'a hierarchical label gives one path per row; use binary or multiclass' });
  if (r.dialog && d.format !== 'dailydialog') ctx.addIssue({ code: 'custom', path: ['dialog'], message: 'dialog targets need a dialog format (dailydialog)' });
  if (d.format === 'dailydialog' && r.task === 'multilabel') ctx.addIssue({ code: 'custom', path: ['task'], message: 'dailydialog has one emotion per utterance; use multiclass' });
  const ev = r.evaluation;
  if (ev.top_k !== undefined && r.task !== 'multilabel') ctx.addIssue({ code: 'custom', path: ['evaluation', 'top_k'], message: 'only for multilabel tasks (single-label models pick one label)' });
  for (const field of ['abstain_below', 'abstain_min_accuracy'] as const) {
    if (ev[field] !== undefined && r.task === 'multilabel') ctx.addIssue({ code: 'custom', path: ['evaluation', field], message: 'only for binary and multiclass tasks' });
  }
  if (ev.abstain_below !== undefined && ev.abstain_min_accuracy !== undefined) ctx.addIssue({ code: 'custom', path: ['evaluation', 'abstain_min_accuracy'], message: 'give either abstain_below or abstain_min_accuracy, not both' });
  if (ev.threshold_metric !== undefined) {
    const global = /_f1$/.test(ev.threshold_metric);
    if (ev.thresholds === 'tune' && global) ctx.addIssue({ code: 'custom', path: ['evaluation', 'threshold_metric'], message: 'per-label tuning maximizes f1 or f<beta>; micro_f1, macro_f1 and samples_f1 go with thresholds: tune_global' });
    if (ev.thresholds === 'tune_global' && !global) ctx.addIssue({ code: 'custom', path: ['evaluation', 'threshold_metric'], message: 'a global threshold maximizes micro_f1, macro_f1 or samples_f1' });
  }
  if (r.features.analyzer === 'word' && r.features.ngram_range && r.features.ngram_range[1] > 3) {
    ctx.addIssue({ code: 'custom', path: ['features', 'ngram_range'], message: 'word n-grams go up to 3; longer ranges are for analyzer char or char_wb (set features.analyzer)' });
  }
  if (r.features.char_ngrams !== null && (r.features.analyzer === 'char' || r.features.analyzer === 'char_wb')) {
    ctx.addIssue({ code: 'custom', path: ['features', 'char_ngrams'], message: `adds character n-grams to word n-grams; analyzer ${r.features.analyzer} makes character n-grams already (set features.analyzer: word, or drop char_ngrams)` });
  }
  for (const field of ['stop_words', 'stemming'] as const) {
    if (r.features[field] !== null && (r.features.analyzer === 'char' || r.features.analyzer === 'char_wb')) {
      ctx.addIssue({ code: 'custom', path: ['features', field], message: `applies to word tokens; analyzer ${r.features.analyzer} makes character n-grams (set features.analyzer: word)` });
    }
  }
  const l = r.labels;
  if (l && (l.min_count === undefined) !== (l.rare === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['labels', l.min_count === undefined ? 'min_count' : 'rare'], message: 'min_count and rare go together (e.g. min_count: 20, rare: merge)' });
  }
  if (l && l.rare_scope === 'parent' && (labelFields < 2 || l.rare !== 'merge')) {
    ctx.addIssue({ code: 'custom', path: ['labels', 'rare_scope'], message: 'parent needs a hierarchical label (several label_field columns) and rare: merge' });
  }
  if (r.routing) {
    if (labelFields < 2 || r.task !== 'multiclass') ctx.addIssue({ code: 'custom', path: ['routing'], message: 'routing needs task multiclass and a hierarchical label (label_field: [tier1, tier2, ...])' });
    if (r.routing.threshold !== undefined && r.routing.target_precision !== undefined) ctx.addIssue({ code: 'custom', path: ['routing', 'target_precision'], message: 'give either threshold or target_precision, not both' });
    if (r.routing.tier_names && r.routing.tier_names.length !== labelFields) ctx.addIssue({ code: 'custom', path: ['routing', 'tier_names'], message: `one name per label_field column (${labelFields})` });
  }
  if (r.task === 'multilabel' && r.model.class_weight !== null && typeof r.model.class_weight === 'object') {
    ctx.addIssue({ code: 'custom', path: ['model', 'class_weight'], message: 'explicit class weights are for single-label tasks; use balanced for multilabel' });
  }
  if (r.task === 'multilabel' && r.sampling.balance !== 'none') {
    ctx.addIssue({ code: 'custom', path: ['sampling', 'balance'], message: 'balancing by resampling is for single-label tasks; use model.class_weight: balanced for multilabel' });
  }
  if (r.task === 'multilabel' && d.format === 'folder') ctx.addIssue({ code: 'custom', path: ['task'], message: 'format folder gives one label per text; use binary or multiclass' });
  if (r.task !== 'binary' && d.positive_label) ctx.addIssue({ code: 'custom', path: ['data', 'positive_label'], message: 'only used when task is binary' });
  if (r.rating && r.task !== 'binary') ctx.addIssue({ code: 'custom', path: ['rating'], message: 'stars are learnt from the positive probability of a binary model; set task: binary' });
  if (r.rating && d.format !== 'folder') ctx.addIssue({ code: 'custom', path: ['rating', 'stars_from'], message: 'file_name needs format folder (one review per file, e.g. aclImdb <id>_<stars>.txt)' });
  for (const issue of trainingIssues(r)) ctx.addIssue({ code: 'custom', path: ['training', issue.field], message: issue.message });
  for (const issue of onnxIssues(r)) ctx.addIssue({ code: 'custom', path: ['model', ...issue.field], message: issue.message });
});

/** Cross-field rules of the `training` section: what needs fasttext, what needs what else. */
function trainingIssues(r: z.output<typeof recipeSchema>): { field: string; message: string }[] {
  const t = r.training;
  const issues: { field: string; message: string }[] = [];
  // An onnx encoder with an MLP head trains by gradient too, with the same controls.
  const mlpHead = r.model.type === 'onnx' && r.model.mode === 'encoder_head' && r.model.head.type === 'mlp';
  if (r.model.type !== 'fasttext' && !mlpHead) {
    for (const [field, plain] of Object.entries(GRADIENT_TRAINING_DEFAULTS)) {
      const value: unknown = t[field as keyof typeof GRADIENT_TRAINING_DEFAULTS];
      if (value === plain) continue;
      issues.push({ field, message: `${describe(field, value)} needs a gradient-trained model (${r.model.type === 'onnx' ? `model.head.type mlp; this onnx model's head is ${r.model.head.type}` : `model.type fasttext; this recipe has ${r.model.type}`})` });
    }
    return issues;
  }
  if (t.loss === 'focal' && r.model.type === 'fasttext' && r.model.loss === 'hs') issues.push({ field: 'loss', message: 'focal loss needs softmax or ova outputs; model.loss hs has neither' });
  if (t.loss !== 'focal' && t.focal_gamma !== GRADIENT_TRAINING_DEFAULTS.focal_gamma) issues.push({ field: 'focal_gamma', message: 'only used with loss: focal' });
  if (t.loss !== 'focal' && t.focal_alpha !== null) issues.push({ field: 'focal_alpha', message: 'only used with loss: focal' });
  if (t.lr_schedule !== 'exponential' && t.lr_decay !== GRADIENT_TRAINING_DEFAULTS.lr_decay) issues.push({ field: 'lr_decay', message: 'only used with lr_schedule: exponential' });
  const epochs = r.model.type === 'fasttext' ? r.model.epoch : r.model.type === 'onnx' ? r.model.head.epochs : 0;
  if (t.warmup_epochs >= epochs) issues.push({ field: 'warmup_epochs', message: `must be less than ${r.model.type === 'fasttext' ? 'model.epoch' : 'model.head.epochs'} (${epochs})` });
  if (t.early_stopping && !r.data.dev && !r.data.dev_split) issues.push({ field: 'early_stopping', message: 'needs dev data: set data.dev or data.dev_split' });
  return issues;
}

/** `focal` for a scalar value; the field's name in words for a section (early stopping), whose value the message adds. */
function describe(field: string, value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : field.replaceAll('_', ' ');
}

/** Cross-field rules of an onnx model section: which fields go with which mode. */
function onnxIssues(r: z.output<typeof recipeSchema>): { field: string[]; message: string }[] {
  const m = r.model;
  if (m.type !== 'onnx') return [];
  const issues: { field: string[]; message: string }[] = [];
  if (m.mode === 'classifier') {
    if (m.combine_tfidf !== 'none') issues.push({ field: ['combine_tfidf'], message: 'only for mode encoder_head (a ready classifier is used as it is)' });
    if (m.class_weight !== null && m.class_weight !== 'auto') issues.push({ field: ['class_weight'], message: 'only for mode encoder_head (a ready classifier is not trained)' });
    if (JSON.stringify(m.head) !== JSON.stringify(onnxHead.parse({}))) issues.push({ field: ['head'], message: 'only for mode encoder_head (a ready classifier has its own head)' });
  } else if (m.label_map !== undefined) {
    issues.push({ field: ['label_map'], message: 'only for mode classifier (an encoder_head model learns the recipe\'s labels)' });
  }
  if (m.combine_tfidf === 'concat' && m.head.type !== 'logistic_regression') issues.push({ field: ['combine_tfidf'], message: 'concat appends sparse TF-IDF columns, which needs head.type logistic_regression; use average with an mlp head' });
  if (m.window.stride !== undefined && m.max_length !== undefined && m.window.stride > m.max_length - 2) {
    issues.push({ field: ['window', 'stride'], message: `must be at most max_length minus the special tokens (${m.max_length - 2} for BERT-style models), or tokens between windows would be skipped` });
  }
  return issues;
}
