import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecipeError } from '../errors.js';
import { DEFAULT_TRAINING_CONTROLS } from '../models/classifier.js';
import { parseRecipe } from '../recipe/load.js';
import { epochLine, manifestTrace, trainingControlsOf } from './training-controls.js';

const fasttext = { name: 'x', task: 'multiclass', data: { format: 'csv', train: 't.csv', dev: 'd.csv', text_field: 'text', label_field: 'label' }, model: { type: 'fasttext' } };
const withTraining = (training: Record<string, unknown>, base: Record<string, unknown> = fasttext) => ({ ...base, training });
const rejects = (recipe: Record<string, unknown>, pattern: RegExp): void => {
  assert.throws(() => parseRecipe(recipe), (e: unknown) => e instanceof RecipeError && pattern.test(e.message), `expected ${pattern}`);
};

test('the training section defaults to plain fastText training, and those defaults are the models\' defaults', () => {
  const r = parseRecipe(fasttext);
  assert.deepEqual(r.training, {
    seed: 42,
    loss: 'cross_entropy',
    focal_gamma: 2,
    focal_alpha: null,
    lr_schedule: 'linear',
    warmup_epochs: 0,
    lr_decay: 0.5,
    weight_decay: 0,
    clip_grad_norm: null,
    early_stopping: null,
  });
  assert.deepEqual(trainingControlsOf(r.training, ['a', 'b']), DEFAULT_TRAINING_CONTROLS);
});

test('every field reaches the controls, camelCased', () => {
  const r = parseRecipe(
    withTraining({ loss: 'focal', focal_gamma: 1, focal_alpha: { a: 0.25 }, lr_schedule: 'exponential', warmup_epochs: 1, lr_decay: 0.8, weight_decay: 1e-4, clip_grad_norm: 5, early_stopping: { metric: 'balanced_accuracy' } }),
  );
  assert.deepEqual(trainingControlsOf(r.training, ['a', 'b']), {
    loss: 'focal',
    focalGamma: 1,
    focalAlpha: { a: 0.25 },
    lrSchedule: 'exponential',
    warmupEpochs: 1,
    lrDecay: 0.8,
    weightDecay: 1e-4,
    clipGradNorm: 5,
    earlyStopping: { metric: 'balanced_accuracy', patience: 2, minDelta: 0 },
  });
  const viaSet = parseRecipe(fasttext, ['training.loss=focal', 'training.early_stopping.metric=loss', 'training.early_stopping.patience=4']);
  assert.deepEqual(viaSet.training.early_stopping, { metric: 'loss', patience: 4, min_delta: 0 });
});

test('field values are checked', () => {
  rejects(withTraining({ loss: 'hinge' }), /training\.loss: .*got "hinge"/);
  rejects(withTraining({ loss: 'focal', focal_alpha: 1 }), /training\.focal_alpha/);
  rejects(withTraining({ loss: 'focal', focal_alpha: { a: 0 } }), /training\.focal_alpha/);
  rejects(withTraining({ focal_gamma: -1 }), /training\.focal_gamma/);
  rejects(withTraining({ lr_schedule: 'step' }), /training\.lr_schedule/);
  rejects(withTraining({ lr_schedule: 'exponential', lr_decay: 1.5 }), /training\.lr_decay/);
  rejects(withTraining({ weight_decay: -0.1 }), /training\.weight_decay/);
  rejects(withTraining({ clip_grad_norm: 0 }), /training\.clip_grad_norm/);
  rejects(withTraining({ early_stopping: { metric: 'auc' } }), /training\.early_stopping\.metric/);
  rejects(withTraining({ early_stopping: { metric: 'loss', patience: 0 } }), /training\.early_stopping\.patience/);
  rejects(withTraining({ early_stopping: { metric: 'loss', min_delta: -1 } }), /training\.early_stopping\.min_delta/);
  rejects(withTraining({ early_stopping: { metric: 'loss', wait: 3 } }), /unknown field "wait"/);
});

test('cross-field rules: gradient-training fields need model.type fasttext, each named', () => {
  const logreg = { ...fasttext, model: { type: 'logistic_regression' } };
  rejects(withTraining({ loss: 'focal' }, logreg), /training\.loss: focal needs a gradient-trained model \(model\.type fasttext; this recipe has logistic_regression\)/);
  rejects(withTraining({ lr_schedule: 'cosine' }, logreg), /training\.lr_schedule: cosine needs a gradient-trained model/);
  rejects(withTraining({ warmup_epochs: 1 }, logreg), /training\.warmup_epochs: 1 needs/);
  rejects(withTraining({ weight_decay: 0.1 }, logreg), /training\.weight_decay: 0\.1 needs/);
  rejects(withTraining({ clip_grad_norm: 1 }, logreg), /training\.clip_grad_norm: 1 needs/);
  rejects(withTraining({ early_stopping: { metric: 'loss' } }, { ...logreg, model: { type: 'linear_svm' } }), /training\.early_stopping: early stopping needs a gradient-trained model .*linear_svm/);
  // The defaults, written out, are what every model does anyway.
  assert.doesNotThrow(() => parseRecipe(withTraining({ seed: 3, loss: 'cross_entropy', lr_schedule: 'linear' }, logreg)));
});

test('cross-field rules within fasttext', () => {
  rejects(withTraining({ loss: 'focal' }, { ...fasttext, model: { type: 'fasttext', loss: 'hs' } }), /training\.loss: focal loss needs softmax or ova outputs; model\.loss hs/);
  assert.doesNotThrow(() => parseRecipe(withTraining({ loss: 'focal' }, { ...fasttext, model: { type: 'fasttext', loss: 'ova' } })));
  rejects(withTraining({ focal_gamma: 1 }), /training\.focal_gamma: only used with loss: focal/);
  rejects(withTraining({ focal_alpha: 0.25 }), /training\.focal_alpha: only used with loss: focal/);
  rejects(withTraining({ lr_decay: 0.9 }), /training\.lr_decay: only used with lr_schedule: exponential/);
  rejects(withTraining({ warmup_epochs: 5 }), /training\.warmup_epochs: must be less than model\.epoch \(5\)/);
  const noDev = { ...fasttext, data: { format: 'csv', train: 't.csv', text_field: 'text', label_field: 'label' } };
  rejects(withTraining({ early_stopping: { metric: 'loss' } }, noDev), /training\.early_stopping: needs dev data: set data\.dev or data\.dev_split/);
  assert.doesNotThrow(() => parseRecipe(withTraining({ early_stopping: { metric: 'loss' } }, { ...noDev, data: { ...noDev.data, dev_split: 0.2 } })));
});

test('focal_alpha labels are checked against the training labels at train time', () => {
  const r = parseRecipe(withTraining({ loss: 'focal', focal_alpha: { joy: 0.7, fear: 0.6, gloom: 0.2 } }));
  assert.throws(
    () => trainingControlsOf(r.training, ['anger', 'fear', 'joy']),
    (e: unknown) => e instanceof RecipeError && e.message === 'training.focal_alpha: "gloom" is not a label of the model (labels: anger, fear, joy)',
  );
  assert.deepEqual(trainingControlsOf(r.training, ['fear', 'gloom', 'joy']).focalAlpha, { joy: 0.7, fear: 0.6, gloom: 0.2 });
});

test('the manifest trace is snake_case with the dev value under dev_<metric>; the epoch line reads well', () => {
  const trace = { epochs: [{ epoch: 1, trainLoss: 1.5, lr: 0.2, dev: 0.31 }, { epoch: 2, trainLoss: 1.1, lr: 0.1, dev: 0.35 }], metric: 'balanced_accuracy' as const, bestEpoch: 2, stoppedEarly: false };
  assert.deepEqual(manifestTrace(trace), {
    epochs: [
      { epoch: 1, train_loss: 1.5, dev_balanced_accuracy: 0.31, lr: 0.2 },
      { epoch: 2, train_loss: 1.1, dev_balanced_accuracy: 0.35, lr: 0.1 },
    ],
    best_epoch: 2,
    stopped_early: false,
    early_stopping_metric: 'balanced_accuracy',
  });
  assert.equal(epochLine(trace.epochs[0], 20, 'balanced_accuracy'), 'epoch 1/20  train loss 1.5000  dev balanced_accuracy 0.3100  lr 0.2000');
  assert.deepEqual(manifestTrace({ epochs: [{ epoch: 1, trainLoss: 1, lr: 0.1 }], metric: null, bestEpoch: 1, stoppedEarly: false }), {
    epochs: [{ epoch: 1, train_loss: 1, lr: 0.1 }],
    best_epoch: 1,
    stopped_early: false,
  });
});
