/**
 * Scoring a catalog once and keeping the scores: a real model (the starter recipe trained on the
 * team-written starter data) scores the bundled English demo catalog into a real SQLite store.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { loadModel, type LoadedModel } from '../../persist/model-dir.js';
import { loadRecipe } from '../../recipe/load.js';
import { starterModel, tempDir } from '../../serve/fixtures.js';
import { REPO_ROOT } from '../../test-support/starter-data.js';
import { trainFromRecipe } from '../../train/train.js';
import { agreementWith } from './agreement.js';
import { readCatalog } from './catalog.js';
import { scoreCatalog } from './catalog-scores.js';
import { modelKey, ScoreStore, storePathOf, textHash } from './score-store.js';

const DEMO = path.join(REPO_ROOT, 'data', 'catalog', 'english-lines.csv');

describe('scoreCatalog with a score store', () => {
  let model: LoadedModel;
  let work: string;
  before(async () => {
    model = loadModel(await starterModel());
    work = tempDir('recommend-scores');
  });

  test('scores every text once, then only new and changed items; the same model copied elsewhere reuses them', async () => {
    const file = path.join(work, 'lines.csv');
    fs.copyFileSync(DEMO, file);
    const storeFile = storePathOf(file);
    assert.equal(storeFile, path.join(work, 'lines.textclass.sqlite'));

    let store = new ScoreStore(storeFile);
    const first = await scoreCatalog(readCatalog(file), model, store);
    assert.deepEqual(first.build, { items: 30, scored: 30, reused: 0, newItems: 30, changedItems: 0, removedItems: 0, prunedScores: 0, prunedModels: 0 });
    assert.equal(first.distributions.length, 30);
    for (const p of first.distributions) assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-6, 'each distribution sums to 1');
    // What the model says, to the stored precision.
    const direct = model.classifier.predictProba([first.items[3].text]);
    first.distributions[3].forEach((p, k) => assert.ok(Math.abs(p - direct[k]) < 1e-5));
    store.close();

    // A new process (a new store handle): nothing to score.
    store = new ScoreStore(storeFile);
    const again = await scoreCatalog(readCatalog(file), model, store);
    assert.deepEqual(again.build, { items: 30, scored: 0, reused: 30, newItems: 0, changedItems: 0, removedItems: 0, prunedScores: 0, prunedModels: 0 });
    assert.deepEqual(again.distributions, first.distributions);

    // Edit one text, add one item (with a text another item already has), remove one.
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    lines[1] = lines[1].replace('again', 'once more');
    lines.splice(5, 1);
    lines.push(`en-99,Twin,"${first.items[10].text}",,joy`);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const edited = await scoreCatalog(readCatalog(file), model, store);
    // The removed item's text and the edited item's old text are no item's text any more: pruned.
    assert.deepEqual(edited.build, { items: 30, scored: 1, reused: 28, newItems: 1, changedItems: 1, removedItems: 1, prunedScores: 2, prunedModels: 0 }, 'only the changed text is scored; the twin reuses its sibling');
    store.close();

    // A copy of the same model directory is the same model: same key, no scoring.
    const copy = path.join(work, 'copy-of-starter');
    fs.cpSync(model.dir, copy, { recursive: true });
    const copied = loadModel(copy);
    assert.equal(modelKey(copied), modelKey(model));
    store = new ScoreStore(storeFile);
    assert.equal((await scoreCatalog(readCatalog(file), copied, store)).build.scored, 0);
    const stored = store.models();
    assert.equal(stored.length, 1);
    assert.equal(stored[0].modelName, 'starter');
    assert.equal(stored[0].texts, 29, 'one score per distinct text of the catalog (30 items, one twin): nothing stale is kept');
    store.close();
  });

  test('a large catalog is scored in batches that let the event loop run between them', async () => {
    const items = Array.from({ length: 600 }, (_, i) => ({ id: `i${i}`, title: `t${i}`, text: `line number ${i} about ${['joy', 'loss', 'anger'][i % 3]}`, line: i + 2, extra: {} }));
    const store = new ScoreStore(path.join(work, 'large.textclass.sqlite'));
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    try {
      const scored = await scoreCatalog({ file: path.join(work, 'large.csv'), format: 'csv', items }, model, store);
      assert.equal(scored.build.scored, 600);
    } finally {
      clearInterval(timer);
      store.close();
    }
    assert.ok(turns >= 1, 'timers ran while the 600 texts were scored (3 batches)');
  });

  test('another model gets scores of its own, under its own key', async () => {
    const file = path.join(work, 'two-models.csv');
    fs.copyFileSync(DEMO, file);
    const other = path.join(work, 'starter-c1');
    await trainFromRecipe({ recipe: loadRecipe(path.join(REPO_ROOT, 'recipes', 'starter.yaml'), ['model.C=1']), dataDir: path.join(REPO_ROOT, 'data'), outDir: other });
    const otherModel = loadModel(other);
    assert.notEqual(modelKey(otherModel), modelKey(model));
    const store = new ScoreStore(storePathOf(file));
    try {
      assert.equal((await scoreCatalog(readCatalog(file), model, store)).build.scored, 30);
      const b = await scoreCatalog(readCatalog(file), otherModel, store);
      assert.equal(b.build.scored, 30, 'the second model scores everything itself');
      assert.equal(b.build.newItems, 0, 'the catalog itself did not change');
      assert.equal((await scoreCatalog(readCatalog(file), model, store)).build.scored, 0, 'the first model still finds its own scores');
      assert.deepEqual(store.models().map((m) => m.texts), [30, 30]);
      const row = store.db.prepare('SELECT proba_json FROM scores WHERE model_key = ? AND text_sha256 = ?').pluck().get(modelKey(otherModel), textHash(b.items[0].text)) as string;
      assert.equal((JSON.parse(row) as number[]).length, 7, 'one probability per label, keyed by the text hash');
    } finally {
      store.close();
    }
  });

  test('a retrained model keeps the two most recent keys of its name; older ones and their scores are dropped', async () => {
    const file = path.join(work, 'retrained.csv');
    fs.copyFileSync(DEMO, file);
    const recipe = path.join(REPO_ROOT, 'recipes', 'starter.yaml');
    // Three "retrainings" of the starter model (same name, different weights, so different keys).
    const versions: LoadedModel[] = [];
    for (const C of [0.5, 2, 8]) {
      const dir = path.join(work, `starter-v${C}`);
      await trainFromRecipe({ recipe: loadRecipe(recipe, [`model.C=${C}`]), dataDir: path.join(REPO_ROOT, 'data'), outDir: dir });
      versions.push(loadModel(dir));
    }
    const store = new ScoreStore(storePathOf(file));
    try {
      const other = await scoreCatalog(readCatalog(file), model, store);
      assert.equal(other.build.prunedModels, 0);
      const b1 = await scoreCatalog(readCatalog(file), versions[0], store);
      assert.deepEqual([b1.build.prunedScores, b1.build.prunedModels], [0, 0], 'two keys of the name "starter": both kept');
      const b2 = await scoreCatalog(readCatalog(file), versions[1], store);
      assert.deepEqual([b2.build.prunedScores, b2.build.prunedModels], [30, 1], 'a third key: the least recently used one goes, with its 30 scores');
      const kept = store.models().map((m) => m.modelKey);
      assert.deepEqual(new Set(kept), new Set([modelKey(versions[0]), modelKey(versions[1])]));
      // The most recently used keys stay: building with the older of the two again marks it used ...
      assert.equal((await scoreCatalog(readCatalog(file), versions[0], store)).build.scored, 0);
      // ... so a fourth key now evicts versions[1], not versions[0].
      const b3 = await scoreCatalog(readCatalog(file), versions[2], store);
      assert.equal(b3.build.prunedModels, 1);
      assert.deepEqual(new Set(store.models().map((m) => m.modelKey)), new Set([modelKey(versions[0]), modelKey(versions[2])]));
      const orphanScores = store.db.prepare('SELECT COUNT(*) FROM scores WHERE model_key NOT IN (SELECT model_key FROM models)').pluck().get();
      assert.equal(orphanScores, 0, 'no score outlives its model row');
    } finally {
      store.close();
    }
  });

  test('a store written before pruning existed is upgraded in place and pruned on its next build', async () => {
    const file = path.join(work, 'old-store.csv');
    fs.copyFileSync(DEMO, file);
    const storeFile = storePathOf(file);
    // Schema version 1 as an earlier textclass wrote it, with a score of a text no item has.
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(storeFile);
    db.exec(`CREATE TABLE models (model_key TEXT PRIMARY KEY, model_name TEXT NOT NULL, labels_json TEXT NOT NULL, model_created_at TEXT, first_used_at TEXT NOT NULL);
      CREATE TABLE scores (model_key TEXT NOT NULL REFERENCES models (model_key), text_sha256 TEXT NOT NULL, proba_json TEXT NOT NULL, scored_at TEXT NOT NULL, PRIMARY KEY (model_key, text_sha256)) WITHOUT ROWID;
      CREATE TABLE items (item_id TEXT PRIMARY KEY, text_sha256 TEXT NOT NULL) WITHOUT ROWID;`);
    db.pragma('user_version = 1');
    db.prepare('INSERT INTO models VALUES (?, ?, ?, NULL, ?)').run(modelKey(model), 'starter', JSON.stringify(model.manifest.labels), '2026-01-01T00:00:00.000Z');
    db.prepare('INSERT INTO scores VALUES (?, ?, ?, ?)').run(modelKey(model), textHash('a line that was deleted long ago'), JSON.stringify(model.manifest.labels.map(() => 1 / 7)), '2026-01-01T00:00:00.000Z');
    db.close();
    const store = new ScoreStore(storeFile);
    try {
      assert.equal(store.db.pragma('user_version', { simple: true }), 2);
      const b = await scoreCatalog(readCatalog(file), model, store);
      assert.deepEqual([b.build.scored, b.build.prunedScores, b.build.prunedModels], [30, 1, 0]);
    } finally {
      store.close();
    }
  });

  test('agreement with the written_for column counts items whose top emotion is the intended one', async () => {
    const store = new ScoreStore(':memory:');
    const scored = await scoreCatalog(readCatalog(DEMO), model, store);
    const a = agreementWith(scored, 'written_for', DEMO);
    assert.equal(a.items, 30);
    assert.equal(Object.values(a.per_label).reduce((n, s) => n + s.items, 0), 30);
    assert.equal(a.agree, Object.values(a.per_label).reduce((n, s) => n + s.agree, 0));
    assert.equal(a.fraction, a.agree / 30);
    const misses = Object.values(a.confusions).flatMap((c) => Object.values(c)).reduce((n, c) => n + c, 0);
    assert.equal(misses, 30 - a.agree);
    assert.throws(() => agreementWith(scored, 'mood', DEMO), /field "mood": no such column; the catalog's extra columns are written_for/);
    store.close();
  });

  test('a store file that is not SQLite is refused with what to do', () => {
    const bad = path.join(work, 'bad.textclass.sqlite');
    fs.writeFileSync(bad, 'not a database at all, just text that is long enough to be read as a header........');
    assert.throws(() => new ScoreStore(bad), /bad\.textclass\.sqlite: cannot open the catalog's score store: .*delete the file to start over/);
  });
});
