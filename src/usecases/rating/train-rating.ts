import { applyCalibration, type CalibrationState } from '../../calibration/calibrator.js';
import type { Classifier } from '../../models/classifier.js';
import { scoreInBatches } from '../../models/score-texts.js';
import type { Recipe } from '../../recipe/schema.js';
import { crossValidate } from '../../train/cross-validate.js';
import type { PreparedData } from '../../train/prepare-data.js';
import type { ResolvedFeatures } from '../../train/text-defaults.js';
import { chooseStarMap, fitStarMap, STAR_MAP_METHODS } from './fit-star-map.js';
import { scoreRating } from './rating-metrics.js';
import { evaluateRating, positiveScores, trueStars } from './evaluate-rating.js';
import { NAIVE_RULE, type RatingEvaluation, type RatingSection } from './rating-section.js';
import { applyStarMap } from './star-map.js';
import { DEFAULT_STARS_PATTERN } from './stars.js';

export interface RatingTrainingInput {
  recipe: Recipe;
  labels: readonly string[];
  resolved: ResolvedFeatures;
  data: PreparedData;
  /** The final model, calibrated when the recipe calibrates. */
  classifier: Classifier;
  calibration: CalibrationState | undefined;
  /** Out-of-fold scores of data.unsampledTrain, already calibrated, when training made them (evaluation.tune_on: cv). */
  outOfFold: Float32Array | null;
  /** The dev rows' uncalibrated scores, when there are dev rows. */
  devRawProba: Float32Array | null;
  log?: (line: string) => void;
  /** Threads for the out-of-fold fits; default: foldThreads' choice. */
  foldThreads?: number;
}

/**
 * `train` for a recipe with a `rating` section: learns the map from the positive probability to
 * 1–10 stars on out-of-fold scores of the training rows (reusing the calibration's when it was
 * fitted by cross-validation, otherwise k extra fits), so no row the map is fitted on was seen by
 * the model that scored it, and the dev and test rows stay unseen by both. Then measures the naive
 * rule and the map on dev and test.
 */
export async function fitRatingForTraining(input: RatingTrainingInput): Promise<RatingSection> {
  const { recipe, labels, data, calibration } = input;
  const r = recipe.rating!;
  const positive = labels[1];
  const K = labels.length;
  const trainStars = trueStars(data.unsampledTrain, r.stars_pattern, 'rating (training rows)');
  let oof = input.outOfFold;
  if (!oof) {
    const cv = await crossValidate(recipe, labels, data.unsampledTrain, {
      k: r.cv_folds,
      resolved: input.resolved,
      decision: { kind: 'argmax' },
      ...(input.foldThreads !== undefined ? { threads: input.foldThreads } : {}),
      onFold: (f, k) => input.log?.(`rating: out-of-fold scores, fold ${f + 1} of ${k}`),
    });
    oof = calibration ? applyCalibration(calibration, recipe.task, cv.outOfFold, data.unsampledTrain.length, K) : cv.outOfFold;
  }
  const section = { positive_label: positive };
  const fitScores = positiveScores(section, labels, oof);
  const chosen = chooseStarMap(fitScores, trainStars, { method: r.method, folds: r.selection_folds, seed: recipe.training.seed });
  input.log?.(`rating: ${chosen.method} map chosen by ${chosen.folds}-fold cross-validation on ${fitScores.length} out-of-fold scores`);

  const measure = (examples: PreparedData['dev'], proba: Float32Array, role: string): RatingEvaluation => {
    const stars = trueStars(examples, r.stars_pattern, role);
    const scores = positiveScores(section, labels, proba);
    const evaluation = evaluateRating(chosen, scores, stars);
    // The alternatives, each fitted on the same out-of-fold scores, on the same held-out rows.
    const byMethod: Record<string, ReturnType<typeof scoreRating>> = { naive: evaluation.naive };
    for (const method of STAR_MAP_METHODS) {
      const map = method === chosen.method ? chosen.map : fitStarMap(method, fitScores, trainStars);
      byMethod[method] = scoreRating(Float64Array.from(scores, (p) => applyStarMap(map, p)), stars);
    }
    return { ...evaluation, by_method: byMethod };
  };
  const metrics: RatingSection['metrics'] = {};
  if (data.dev.length > 0 && input.devRawProba) {
    const devProba = calibration ? applyCalibration(calibration, recipe.task, input.devRawProba, data.dev.length, K) : input.devRawProba;
    metrics.dev = measure(data.dev, devProba, 'rating (dev rows)');
  }
  if (data.test.length > 0) metrics.test = measure(data.test, await scoreInBatches(input.classifier, data.test.map((e) => e.text)), 'rating (test rows)');
  return {
    stars_from: r.stars_from,
    stars_pattern: r.stars_pattern ?? DEFAULT_STARS_PATTERN,
    positive_label: positive,
    method: chosen.method,
    map: chosen.map,
    naive_rule: NAIVE_RULE,
    fitted_on: 'cv',
    fitted_rows: fitScores.length,
    selection: { folds: chosen.folds, candidates: chosen.candidates },
    metrics,
  };
}

/**
 * Checks, before any fitting, that every training, dev and test review carries its stars: a
 * missing one fails the run in seconds instead of after the model and its folds are fitted.
 */
export function checkRatedRows(recipe: Recipe, data: PreparedData): void {
  if (!recipe.rating) return;
  trueStars(data.unsampledTrain, recipe.rating.stars_pattern, 'rating (training rows)');
  trueStars(data.dev, recipe.rating.stars_pattern, 'rating (dev rows)');
  trueStars(data.test, recipe.rating.stars_pattern, 'rating (test rows)');
}
