/**
 * ONNX models score asynchronously only (their predictProba throws). This file trains small
 * encoder + head models on the committed tiny BERT encoder, offline, and runs every path that uses
 * a model through its real entry point: a calibrated model, a per-tier routing model, the
 * server's predict (with explain), batch jobs, rating (long texts as windows), dialog forecast
 * and recommend routes, and the CLI's explain, report, compare, rating, forecast, recommend and
 * `predict --queue` with a worker. Every score is checked against `textclass predict` on the same
 * text. The encoder's weights are random: the checks are mechanics, not accuracy.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scoreToLines } from '../distributed/score-lines.js';
import { startTestRedis, skipWithoutRedis } from '../distributed/redis-test-server.js';
import { loadModel } from '../persist/model-dir.js';
import { loadRecipe } from '../recipe/load.js';
import { loadStarter, REPO_ROOT } from '../test-support/starter-data.js';
import { CLI, startServer, type ServerProcess } from '../test-support/web-e2e.js';
import { trainFromRecipe } from '../train/train.js';
import { csvCell, csvLine } from '../util/csv.js';
import { OnnxEncoderHeadClassifier } from './classifiers.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-onnx-everywhere-'));
const ENCODER = path.join(work, 'encoders', 'tiny-bert-encoder');
fs.cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'tiny-bert-encoder'), ENCODER, { recursive: true });
// The models' embedding cache, for this process, the CLI children and the server alike.
process.env.TEXTCLASS_CACHE_DIR = path.join(work, 'cache');
const MODELS = path.join(work, 'models');
const starter = loadStarter('train');
const starterDev = loadStarter('dev');
const TEXTS = ['I miss you so much already', 'this is the best day of my life', 'The meeting moved to Thursday at noon.'];

/** Runs the CLI to completion (standard input optional); a non-zero exit fails with its output. */
function cli(args: string[], input?: string): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: work, encoding: 'utf8', input, env: { ...process.env, TEXTCLASS_DATA_DIR: '', TEXTCLASS_RUNS_DB: '' } });
  assert.equal(r.status, 0, `textclass ${args.join(' ')} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Input files hold the texts as they are: quoted where needed, nothing defused. */
const RAW = { defuseFormulas: false } as const;

function writeCsv(file: string, header: string[], rows: string[][]): string {
  fs.writeFileSync(file, [header, ...rows].map((r) => csvLine(r, RAW)).join(''));
  return file;
}

const ONNX_MODEL = `model:
  type: onnx
  path: ${JSON.stringify(ENCODER)}
  threads: 1
  batch_size: 16
`;

async function train(name: string, yaml: string): Promise<string> {
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(file, `name: ${name}\n${yaml}${ONNX_MODEL}`);
  const outDir = path.join(MODELS, name);
  await trainFromRecipe({ recipe: loadRecipe(file), dataDir: work, outDir });
  return outDir;
}

/** `textclass predict --json` scores, one record per text: the reference every path is held to. */
function predictScores(modelDir: string, texts: readonly string[]): Record<string, number>[] {
  return cli(['predict', modelDir, '--json'], texts.join('\n') + '\n')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { scores: Record<string, number> }).scores);
}

/** `tolerance`: 1e-5 where both sides print 6 decimals; recommend's mood distribution is rounded to 4. */
function assertSameScores(actual: Record<string, number>, expected: Record<string, number>, what: string, tolerance = 1e-5): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${what}: labels`);
  for (const [label, p] of Object.entries(expected)) assert.ok(Math.abs(actual[label] - p) <= tolerance, `${what}: ${label} ${actual[label]} vs predict's ${p}`);
}

function assertDistribution(scores: Record<string, number> | number[], what: string): void {
  const values = Array.isArray(scores) ? scores : Object.values(scores);
  for (const p of values) assert.ok(p >= 0 && p <= 1, `${what}: score ${p} outside [0, 1]`);
  const sum = values.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-4, `${what}: scores sum to ${sum}`);
}

// Data: subsets of the bundled starter data (text, sentiment, emotion), in the shapes each use case reads.
const trainCsv = writeCsv(path.join(work, 'train.csv'), ['text', 'sentiment', 'emotion'], starter.slice(0, 60).map((r) => [r.text, r.sentiment, r.emotion]));
const devCsv = writeCsv(path.join(work, 'dev.csv'), ['text', 'sentiment', 'emotion'], starterDev.slice(0, 30).map((r) => [r.text, r.sentiment, r.emotion]));

/** Reviews as one file each, `<n>_<stars>.txt` under neg/ and pos/ (stars made up from the sentiment, for the mechanics). */
function reviewFolder(name: string, rows: typeof starter): string {
  const dir = path.join(work, name);
  rows.forEach((r, i) => {
    const label = r.sentiment === 'positive' ? 'pos' : 'neg';
    const stars = label === 'pos' ? 7 + (i % 4) : 1 + (i % 4);
    fs.mkdirSync(path.join(dir, label), { recursive: true });
    fs.writeFileSync(path.join(dir, label, `${i}_${stars}.txt`), r.text);
  });
  return dir;
}

/** Dialogs of four starter texts each in the DailyDialog layout; codes 0 (no emotion), 4 (happiness), 5 (sadness) from the sentiment. */
function dialogFolder(split: string, rows: typeof starter): string {
  const dir = path.join(work, `dialogs-${split}`);
  fs.mkdirSync(dir, { recursive: true });
  const code = (s: string) => (s === 'positive' ? 4 : s === 'negative' ? 5 : 0);
  const text: string[] = [];
  const emotion: string[] = [];
  for (let i = 0; i + 4 <= rows.length; i += 4) {
    const turns = rows.slice(i, i + 4);
    text.push(turns.map((t) => `${t.text.replace(/__eou__/g, ' ')} __eou__`).join(' '));
    emotion.push(turns.map((t) => code(t.sentiment)).join(' '));
  }
  fs.writeFileSync(path.join(dir, `dialogues_${split}.txt`), text.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, `dialogues_emotion_${split}.txt`), emotion.join('\n') + '\n');
  return dir;
}

const polar = (rows: typeof starter) => rows.filter((r) => r.sentiment !== 'neutral');

describe('ONNX models everywhere a model is used', { timeout: 240_000 }, () => {
  let head: string;
  let calibrated: string;
  let tiers: string;
  let rating: string;
  let dialog: string;
  const expected: Record<string, Record<string, number>[]> = {};

  before(async () => {
    const sentimentData = `task: multiclass\ndata: {format: csv, train: ${JSON.stringify(trainCsv)}, dev: ${JSON.stringify(devCsv)}, text_field: text, label_field: sentiment}\n`;
    head = await train('onnx-head', sentimentData);
    calibrated = await train('onnx-calibrated', `${sentimentData}evaluation: {calibration: temperature}\n`);
    tiers = await train('onnx-tiers', `task: multiclass\ndata: {format: csv, train: ${JSON.stringify(trainCsv)}, dev: ${JSON.stringify(devCsv)}, text_field: text, label_field: [sentiment, emotion]}\nrouting: {strategy: per_tier}\n`);
    const reviews = { train: reviewFolder('reviews-train', polar(starter).slice(0, 40)), dev: reviewFolder('reviews-dev', polar(starterDev).slice(0, 12)), test: reviewFolder('reviews-test', polar(starterDev).slice(12, 24)) };
    rating = await train('onnx-rating', `task: binary\ndata: {format: folder, train: ${JSON.stringify(reviews.train)}, dev: ${JSON.stringify(reviews.dev)}, test: ${JSON.stringify(reviews.test)}, labels: [neg, pos], positive_label: pos}\nrating: {stars_from: file_name, cv_folds: 2, selection_folds: 2}\n`);
    dialog = await train('onnx-dialog', `task: multiclass\ndata: {format: dailydialog, train: ${JSON.stringify(dialogFolder('train', starter.slice(0, 80)))}, dev: ${JSON.stringify(dialogFolder('validation', starterDev.slice(0, 24)))}}\ndialog: {target: next_turn, context_turns: 1}\n`);
    for (const [name, dir] of Object.entries({ head, calibrated, tiers })) expected[name] = predictScores(dir, TEXTS);
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  test('the models are ONNX models whose synchronous predictProba refuses, and predict scores them', () => {
    const m = loadModel(calibrated);
    assert.equal(m.manifest.model.type, 'onnx-encoder-head');
    assert.equal(m.manifest.calibration?.method, 'temperature');
    assert.ok(m.rawClassifier instanceof OnnxEncoderHeadClassifier);
    assert.throws(() => m.classifier.predictProba(TEXTS), /scores asynchronously/);
    assert.equal(loadModel(tiers).manifest.model.type, 'routing-tiers');
    for (const scores of [...expected.head, ...expected.calibrated, ...expected.tiers]) assertDistribution(scores, 'predict');
    assert.notDeepEqual(expected.calibrated, expected.head, 'the calibration map changes the scores');
    assert.ok(Object.keys(expected.tiers[0]).every((l) => l.includes('/')), 'per-tier routing scores whole paths');
  });

  test('explain: occlusion weights per token of the text', () => {
    const [e] = cli(['explain', head, '--text', TEXTS[0], '--json', '--top', '10']).trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(e.method, 'occlusion');
    assert.equal(e.labels.length, 1);
    const explained = e.explained[0];
    assert.equal(explained.label, e.labels[0]);
    assert.ok(Math.abs(explained.probability - expected.head[0][explained.label]) <= 1e-5);
    const tokens = [...explained.positive, ...explained.negative];
    assert.ok(tokens.length > 0, 'some token moved the label');
    for (const t of tokens) {
      assert.equal(TEXTS[0].slice(t.start, t.end), t.text);
      assert.ok(Number.isFinite(t.contribution) && t.contribution !== 0);
    }
  });

  test('report: an HTML report of the calibrated model on labelled data', () => {
    const out = path.join(work, 'report.html');
    const json = path.join(work, 'report.json');
    cli(['report', calibrated, '--data', devCsv, '--out', out, '--json-data', json]);
    const html = fs.readFileSync(out, 'utf8');
    for (const label of ['negative', 'neutral', 'positive']) assert.ok(html.includes(label), `the report names ${label}`);
    const data = JSON.parse(fs.readFileSync(json, 'utf8'));
    assert.equal(data.header.n, 30);
    assert.deepEqual(data.header.labels, ['negative', 'neutral', 'positive']);
    assert.equal(data.reliability.series.length, 2, 'uncalibrated and calibrated reliability');
    assert.ok(typeof data.metrics.headline.accuracy === 'number');
    for (const m of data.mistakes) assert.ok(m.tokens.length > 0, 'each mistake is explained by its tokens');
  });

  test('compare: the plain and the calibrated model on the same data', () => {
    const r = JSON.parse(cli(['compare', head, calibrated, '--data', devCsv, '--json', '--resamples', '200']));
    assert.equal(r.n, 30);
    assert.deepEqual(r.models, [head, calibrated]);
    assert.ok(Array.isArray(r.metrics) && r.metrics.length > 0);
  });

  test('server: predict (calibrated, per-tier, explain), batch job, rating of long texts, dialog forecast, recommend', async () => {
    const catalogs = path.join(work, 'catalogs');
    fs.mkdirSync(catalogs);
    writeCsv(path.join(catalogs, 'lines.csv'), ['id', 'title', 'text'], starterDev.slice(30, 42).map((r, i) => [`l${i}`, `line ${i}`, r.text]));
    let server: ServerProcess | undefined;
    try {
      server = await startServer(['--models', MODELS, '--db', path.join(work, 'db.sqlite'), '--catalogs', catalogs, '--long-texts', 'window', '--max-text-chars', '80', '--rate-limit', '0']);
      const post = async (url: string, body: unknown) => {
        const res = await fetch(`${server!.base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const text = await res.text();
        assert.equal(res.status, 200, `${url}: ${text}`);
        return JSON.parse(text);
      };

      for (const name of ['head', 'calibrated', 'tiers'] as const) {
        const id = `onnx-${name}`;
        const r = await post(`/v1/models/${id}/predict`, { texts: TEXTS, ...(name === 'head' ? { explain: true } : {}) });
        r.results.forEach((res: { scores: Record<string, number>; labels: string[] }, i: number) => {
          assertSameScores(res.scores, expected[name][i], `${id} text ${i}`);
          assertDistribution(res.scores, id);
        });
        if (name === 'head') {
          for (const res of r.results as { tokens: { text: string; contribution: number }[] }[]) {
            assert.ok(res.tokens.length > 0, 'explain: weights per token');
            for (const t of res.tokens) assert.ok(Number.isFinite(t.contribution));
          }
        }
      }

      // Batch job: every row scored, the same scores as predict.
      const upload = await fetch(`${server.base}/v1/models/onnx-head/batch`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: ['id,text', ...TEXTS.map((t, i) => `r${i},${csvCell(t, RAW)}`)].join('\n') + '\n' });
      assert.equal(upload.status, 202, await upload.clone().text());
      const { status_url, result_url } = (await upload.json()) as { status_url: string; result_url: string };
      let job = (await (await fetch(`${server.base}${status_url}`)).json()) as { status: string; processed: number; error?: string };
      for (const until = Date.now() + 30_000; job.status !== 'done' && job.status !== 'failed' && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 100));
        job = (await (await fetch(`${server.base}${status_url}`)).json()) as typeof job;
      }
      assert.equal(job.status, 'done', job.error);
      assert.equal(job.processed, TEXTS.length);
      const lines = (await (await fetch(`${server.base}${result_url}`)).text()).trim().split(/\r?\n/);
      assert.equal(lines.length, TEXTS.length + 1, 'a header and every row');
      const header = lines[0].split(',');
      const labels = header.slice(3);
      assert.deepEqual([...labels].sort(), ['negative', 'neutral', 'positive']);
      lines.slice(1).forEach((line, i) => {
        const cells = line.split(',');
        const scores = cells.slice(cells.length - labels.length).map(Number);
        assertSameScores(Object.fromEntries(labels.map((l, k) => [l, scores[k]])), expected.head[i], `batch row ${i}`);
      });

      // Rating: a review longer than --max-text-chars is scored as character windows, through the async path.
      const long = polar(starterDev).slice(30, 36).map((r) => r.text).join(' ');
      assert.ok(long.length > 80);
      const rated = await post('/v1/rating/rate', { model: 'onnx-rating', texts: [TEXTS[1], long] });
      assert.equal(rated.results.length, 2);
      assert.equal(rated.results[1].windows > 1, true, 'the long review became windows');
      for (const r of rated.results as { stars: number; positive_probability?: number }[]) assert.ok(Number.isInteger(r.stars) && r.stars >= 1 && r.stars <= 10, `stars ${r.stars}`);

      const forecast = await post('/v1/dialog/forecast', { model: 'onnx-dialog', turns: ['How was the trip?', 'Awful, they lost my luggage.'], top_k: 2 });
      assertDistribution(forecast.distribution.map((d: { probability: number }) => d.probability), 'forecast');
      assert.equal(forecast.top.length, 2);

      const rec = await post('/v1/recommend', { model: 'onnx-head', catalog: 'lines', target: 'positive', n: 3 });
      assert.equal(rec.items.length, 3);
      assert.equal(rec.catalog_scores.scored, 12, 'every catalog line scored once');
      const path_ = await post('/v1/recommend', { model: 'onnx-head', catalog: 'lines', target: 'positive', from_text: TEXTS[0], n: 2 });
      assert.equal(path_.mode, 'path');
      assertSameScores(path_.detected.distribution, expected.head[0], 'recommend: detected mood', 5.1e-5);
    } finally {
      await server?.stop();
    }
  });

  test('CLI rating, forecast and recommend', () => {
    const r = JSON.parse(cli(['rating', rating, '--data', path.join(work, 'reviews-test'), '--json']));
    assert.ok(r.evaluation, 'rating --data evaluates the stars');
    const manifest = JSON.parse(fs.readFileSync(path.join(rating, 'manifest.json'), 'utf8'));
    assert.ok(manifest.rating.metrics.test, 'training measured the stars on the test rows');

    const f = cli(['forecast', dialog, '--json'], 'How was the trip?\nAwful, they lost my luggage.\n\nI got the job!\n').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(f.length, 2);
    for (const one of f) assertDistribution(one.distribution.map((d: { probability: number }) => d.probability), 'forecast');

    const catalog = writeCsv(path.join(work, 'cli-lines.csv'), ['id', 'title', 'text'], starterDev.slice(50, 60).map((row, i) => [`c${i}`, `line ${i}`, row.text]));
    const rec = JSON.parse(cli(['recommend', '--catalog', catalog, '--model', head, '--target', 'negative', '--from-text', TEXTS[1], '--n', '2', '--json']));
    assert.equal(rec.items.length, 2);
    assertSameScores(rec.detected.distribution, expected.head[1], 'recommend --from-text', 5.1e-5);
  });

  test('queue workers score ONNX models: the chunk lines equal predict --output', async () => {
    const model = loadModel(head);
    const lines = (await scoreToLines(model, 'jsonl', 0, TEXTS, undefined, { sliceRows: 2 })).trim().split('\n');
    assert.equal(lines.length, TEXTS.length);
    lines.forEach((l, i) => assertSameScores((JSON.parse(l) as { scores: Record<string, number> }).scores, expected.head[i], `worker line ${i}`));
    await (model.rawClassifier as OnnxEncoderHeadClassifier).close();
  });

  test('predict --queue with a textclass worker gives the bytes of local predict --output', { skip: skipWithoutRedis }, async () => {
    const input = writeCsv(path.join(work, 'queue-in.csv'), ['id', 'text'], starterDev.slice(0, 20).map((r, i) => [`q${i}`, r.text]));
    const local = path.join(work, 'local.csv');
    cli(['predict', head, '--input', input, '--id-field', 'id', '--output', local]);
    const redis = await startTestRedis();
    const worker = spawn(process.execPath, [CLI, 'worker', '--queue', redis.url], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TEXTCLASS_DATA_DIR: '' } });
    let log = '';
    worker.stdout.on('data', (d: Buffer) => (log += d.toString()));
    worker.stderr.on('data', (d: Buffer) => (log += d.toString()));
    try {
      const queued = path.join(work, 'queued.csv');
      const code = await new Promise<number | null>((resolve) => {
        const p = spawn(process.execPath, [CLI, 'predict', head, '--input', input, '--id-field', 'id', '--output', queued, '--queue', redis.url, '--chunk-rows', '8'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TEXTCLASS_DATA_DIR: '' } });
        p.stderr.on('data', (d: Buffer) => (log += d.toString()));
        p.once('exit', resolve);
      });
      assert.equal(code, 0, log);
      assert.ok(fs.readFileSync(queued).equals(fs.readFileSync(local)), 'the queued output differs from local predict --output');
    } finally {
      const exited = new Promise((r) => worker.once('exit', r));
      worker.kill('SIGTERM');
      await exited;
      await redis.stop();
    }
  });
});
