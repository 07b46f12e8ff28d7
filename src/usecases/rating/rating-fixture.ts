import fs from 'node:fs';
import path from 'node:path';
import { naturalCompare } from '../../data/readers/folder.js';
import { SHARED_DATASETS } from '../../test-support/starter-data.js';

/**
 * Test support for the rating use case (not named `test-*.ts`: node --test would run it): a small
 * real subset of aclImdb/train copied into a temp folder, and a recipe that trains quickly on it.
 */
export const IMDB_TRAIN = path.join(SHARED_DATASETS, 'imdb', 'aclImdb', 'train');

/**
 * Copies `perLabel` reviews of each of pos/ and neg/ (every k-th file in name order, so the star
 * ratings spread as in the full set) into `<dir>/train/<label>/`; returns the data dir.
 */
export function imdbSubset(dir: string, perLabel: number): string {
  for (const label of ['neg', 'pos']) {
    const from = path.join(IMDB_TRAIN, label);
    const names = fs.readdirSync(from).filter((n) => n.endsWith('.txt')).sort(naturalCompare);
    const step = Math.max(1, Math.floor(names.length / perLabel));
    const to = path.join(dir, 'train', label);
    fs.mkdirSync(to, { recursive: true });
    for (let i = 0; i < perLabel && i * step < names.length; i++) fs.copyFileSync(path.join(from, names[i * step]), path.join(to, names[i * step]));
  }
  return dir;
}

/** recipes/imdb-rating.yaml made small: word 1-2-grams, a 25% dev split, 3 folds. */
export const SMALL_RATING_RECIPE = `name: imdb-rating-small
description: Star rating 1-10 of movie reviews (a small IMDB subset, for tests)
task: binary
data:
  format: folder
  train: train
  labels: [neg, pos]
  positive_label: pos
  dev_split: 0.25
features:
  ngram_range: [1, 2]
  min_df: 2
model:
  type: nbsvm
  C: 0.5
evaluation:
  calibration: isotonic
  tune_on: cv
  cv_folds: 3
rating:
  stars_from: file_name
`;

export function writeSmallRatingRecipe(dir: string): string {
  const file = path.join(dir, 'imdb-rating-small.yaml');
  fs.writeFileSync(file, SMALL_RATING_RECIPE);
  return file;
}
