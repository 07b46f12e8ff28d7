/**
 * The rating use case through the real CLI on a real subset of aclImdb (300 reviews): train
 * learns and reports the map, eval / predict / rating use it, and bad input fails with one line
 * naming the file or field.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT } from '../../test-support/starter-data.js';
import { imdbSubset, IMDB_TRAIN, SMALL_RATING_RECIPE, writeSmallRatingRecipe } from './rating-fixture.js';
import type { RatingSection } from './rating-section.js';
import { starMapProblem } from './star-map.js';

const CLI = path.join(REPO_ROOT, 'bin', 'textclass.js');
const skip = !fs.existsSync(IMDB_TRAIN) ? `the IMDB data set is not at ${IMDB_TRAIN}` : false;

function cli(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', input, env: { ...process.env, TEXTCLASS_DATA_DIR: '', TEXTCLASS_RUNS_DB: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(args: string[], input?: string): string {
  const r = cli(args, input);
  assert.equal(r.status, 0, `textclass ${args.join(' ')} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

describe('textclass train / eval / predict / rating with a rating map', { skip, timeout: 180_000 }, () => {
  let work: string;
  let modelDir: string;
  let trainOut: string;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-rating-cli-'));
    imdbSubset(work, 150);
    modelDir = path.join(work, 'model');
    trainOut = ok(['train', writeSmallRatingRecipe(work), '--data-dir', work, '--out', modelDir, '--no-track']);
  });
  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('train learns the map on out-of-fold scores and reports both rules on dev', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, 'manifest.json'), 'utf8')) as { rating: RatingSection; metrics: { rating: RatingSection['metrics'] }; training: { train_rows: number; dev_rows: number } };
    const { train_rows: trainRows, dev_rows: devRows } = manifest.training;
    assert.equal(trainRows + devRows, 300);
    assert.match(trainOut, new RegExp(`stars map: \\w+ \\(\\d+ cuts\\), chosen by 5-fold cross-validated MAE on ${trainRows} out-of-fold training scores`));
    assert.match(trainOut, /dev stars \(\d+ reviews, true stars from file names\): learnt \w+ MAE \d\.\d{3}, Spearman -?\d\.\d{3} \| naive round\(10p\) MAE \d\.\d{3}/);
    assert.match(trainOut, /dev stars MAE by method .*median_isotonic \d\.\d{3}.*quantile_match \d\.\d{3}/);
    const r = manifest.rating;
    assert.equal(r.stars_from, 'file_name');
    assert.equal(r.fitted_on, 'cv');
    assert.equal(r.fitted_rows, trainRows);
    assert.equal(r.positive_label, 'pos');
    assert.equal(starMapProblem(r.map), null);
    assert.equal(r.selection.candidates.length, 5);
    assert.equal(r.metrics.dev!.n, devRows);
    for (const rule of ['naive', 'learnt'] as const) assert.ok(r.metrics.dev![rule].mae > 0 && r.metrics.dev![rule].mae < 9);
    assert.deepEqual(manifest.metrics.rating, r.metrics, 'the metrics are in the manifest metrics too');
  });

  test('eval reports the stars of a folder whose file names carry them, or says why not', () => {
    const report = JSON.parse(ok(['eval', modelDir, '--data', path.join(work, 'train'), '--json', '--no-track'])) as { n: number; rating: { n: number; naive: { mae: number }; learnt: { mae: number; spearman: number } } };
    assert.equal(report.rating.n, 300);
    assert.equal(report.n, 300);
    assert.ok(report.rating.learnt.spearman > 0.3, 'training reviews are ranked well');
    assert.match(ok(['eval', modelDir, '--data', path.join(work, 'train'), '--no-track']), /eval stars \(300 reviews/);
    // The same reviews under names without a rating: classification metrics, and a note for the stars.
    const unrated = path.join(work, 'unrated');
    for (const label of ['neg', 'pos']) {
      fs.mkdirSync(path.join(unrated, label), { recursive: true });
      const first = fs.readdirSync(path.join(work, 'train', label))[0];
      fs.copyFileSync(path.join(work, 'train', label, first), path.join(unrated, label, `review-${label}.txt`));
    }
    const noted = JSON.parse(ok(['eval', modelDir, '--data', unrated, '--json', '--no-track'])) as { n: number; rating?: unknown; rating_note: string };
    assert.equal(noted.n, 2);
    assert.equal(noted.rating, undefined);
    assert.match(noted.rating_note, /2 of 2 files have no star rating in their name \(first: .*review-neg\.txt/);
  });

  test('predict adds the learnt and the naive stars, plain and JSON', () => {
    const input = 'One of the best films I have ever seen: moving, funny and beautifully acted.\nA boring, stupid waste of time. The worst acting imaginable.\n';
    const lines = ok(['predict', modelDir], input).trim().split('\n');
    assert.equal(lines.length, 2);
    for (const line of lines) assert.match(line, /^(pos|neg)\tpos=\d\.\d{3} neg=\d\.\d{3}\tstars=\d+ naive=\d+$|^(pos|neg)\tneg=\d\.\d{3} pos=\d\.\d{3}\tstars=\d+ naive=\d+$/);
    const json = ok(['predict', modelDir, '--json'], input).trim().split('\n').map((l) => JSON.parse(l) as { scores: Record<string, number>; rating: { stars: number; naive_stars: number; positive_probability: number } });
    assert.ok(json[0].rating.stars > json[1].rating.stars, 'the glowing review gets more stars');
    for (const r of json) {
      assert.ok(Math.abs(r.rating.positive_probability - r.scores.pos) < 1e-6);
      assert.equal(r.rating.naive_stars, Math.min(10, Math.max(1, Math.round(10 * r.scores.pos))));
    }
  });

  test('predict --output carries the same stars as predict --json, in CSV and JSON lines', () => {
    const texts = ['One of the best films I have ever seen: moving, funny and beautifully acted.', 'A boring, stupid waste of time. The worst acting imaginable.', 'It was fine, I suppose.'];
    const input = path.join(work, 'reviews.txt');
    fs.writeFileSync(input, texts.join('\n') + '\n');
    const expected = ok(['predict', modelDir, '--json'], texts.join('\n') + '\n').trim().split('\n').map((l) => (JSON.parse(l) as { rating: { stars: number; naive_stars: number } }).rating);
    const csvOut = path.join(work, 'stars.csv');
    ok(['predict', modelDir, '--input', input, '--output', csvOut]);
    const [header, ...rows] = fs.readFileSync(csvOut, 'utf8').trim().split(/\r?\n/);
    const cols = header.split(',');
    assert.deepEqual(cols.slice(-2), ['stars', 'naive_stars']);
    assert.deepEqual(rows.map((r) => r.split(',').slice(-2).map(Number)), expected.map((e) => [e.stars, e.naive_stars]));
    const jsonlOut = path.join(work, 'stars.jsonl');
    ok(['predict', modelDir, '--input', input, '--output', jsonlOut]);
    const lines = fs.readFileSync(jsonlOut, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { rating: { stars: number; naive_stars: number } });
    assert.deepEqual(lines.map((l) => l.rating), expected.map((e) => ({ stars: e.stars, naive_stars: e.naive_stars })));
  });

  test('rating shows the map and, with --data, the error by true star', () => {
    const shown = ok(['rating', modelDir]);
    assert.match(shown, /imdb-rating-small: stars from P\(pos\) by the \w+ map/);
    assert.match(shown, /^ +\d+ stars {2}p from 0\.0000 to /m);
    const table = ok(['rating', modelDir, '--data', path.join(work, 'train')]);
    assert.match(table, /true stars +n +mean learnt +mean naive +MAE learnt +MAE naive/);
    assert.match(table, /^ +10 +\d+ /m);
    assert.match(table, /data stars \(300 reviews/);
    const json = JSON.parse(ok(['rating', modelDir, '--data', path.join(work, 'train'), '--json'])) as { by_true_stars: { true_stars: number; n: number }[]; evaluation: { n: number } };
    assert.equal(json.by_true_stars.reduce((a, r) => a + r.n, 0), 300);
    assert.ok(json.by_true_stars.every((r) => r.true_stars <= 4 || r.true_stars >= 7), 'aclImdb has no 5 or 6 star reviews');
    assert.match(ok(['rating', '--help']), /Usage: textclass rating <modelDir>/);
  });

  test('a model without a rating map, a review without stars and a bad recipe fail with one clear line', () => {
    const plain = path.join(work, 'plain-model');
    fs.cpSync(modelDir, plain, { recursive: true });
    const manifestFile = path.join(plain, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
    delete manifest.rating;
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    const none = cli(['rating', plain]);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /has no rating map: train it with a recipe that has a rating: section/);

    const bad = path.join(work, 'bad-data');
    fs.cpSync(path.join(work, 'train'), path.join(bad, 'train'), { recursive: true });
    fs.writeFileSync(path.join(bad, 'train', 'pos', 'unrated.txt'), 'A fine film with no rating in its file name, which the map needs.');
    const unrated = cli(['train', writeSmallRatingRecipe(bad), '--data-dir', bad, '--out', path.join(work, 'bad-model'), '--no-track']);
    assert.notEqual(unrated.status, 0);
    assert.match(unrated.stderr, /unrated\.txt: rating \((training|dev) rows\): no star rating 1-10 in the file name/);
    assert.doesNotMatch(unrated.stdout + unrated.stderr, /trained imdb-rating-small/, 'refused before fitting');
    assert.equal(fs.existsSync(path.join(work, 'bad-model')), false, 'no model is written');

    const multiclass = path.join(work, 'multiclass.yaml');
    fs.writeFileSync(multiclass, SMALL_RATING_RECIPE.replace('task: binary', 'task: multiclass').replace('  positive_label: pos\n', ''));
    const wrongTask = cli(['train', multiclass, '--data-dir', work, '--out', path.join(work, 'x'), '--no-track']);
    assert.notEqual(wrongTask.status, 0);
    assert.match(wrongTask.stderr, /rating.*binary/);
    const badPattern = cli(['train', writeSmallRatingRecipe(work), '--data-dir', work, '--out', path.join(work, 'x'), '--set', 'rating.stars_pattern=no-group', '--no-track']);
    assert.notEqual(badPattern.status, 0);
    assert.match(badPattern.stderr, /rating\.stars_pattern.*capture group/);
  });
});
