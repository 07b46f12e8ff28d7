import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadModel, saveModel } from '../persist/model-dir.js';
import { TEXTCLASS_VERSION } from '../version.js';
import { ModelRegistry } from './model-registry.js';
import { predictTexts } from './predict.js';
import { starterModel, tempDir, testServer } from './fixtures.js';

/** Waits until `check` holds (the watcher is asynchronous), or fails after `ms`. */
async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Writes a new version of the model in `dir` with saveModel (atomic rename), its name changed so it is recognisable. */
function saveNewVersion(dir: string, name: string): void {
  const m = loadModel(dir);
  const { format: _f, formatVersion: _v, createdAt: _c, textclassVersion: _t, model: _m, files: _files, ...body } = m.manifest;
  saveModel(dir, m.classifier, { ...body, name }, TEXTCLASS_VERSION);
}

describe('model registry: hot reload', () => {
  it('loads every model directory and ignores saveModel temporaries and non-models', async () => {
    const dir = tempDir('reg');
    fs.cpSync(await starterModel(), path.join(dir, 'a'), { recursive: true });
    fs.cpSync(await starterModel(), path.join(dir, 'b.tmp-123-abcd'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'empty'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
    const reg = new ModelRegistry(dir);
    const r = await reg.rescan();
    assert.deepEqual(r.loaded, ['a']);
    assert.deepEqual(reg.list().map((e) => e.id), ['a']);
  });

  it('a new version written with saveModel is swapped in; a request holding the old one finishes on it', async () => {
    const s = await testServer({ starter: await starterModel() });
    try {
      s.registry.watch(60_000); // the watcher, not the periodic scan, must notice
      const old = s.registry.get('starter')!;
      assert.equal(old.model.manifest.name, 'starter');
      saveNewVersion(path.join(s.config.modelsDir, 'starter'), 'starter v2');
      await eventually(() => s.registry.get('starter')!.model.manifest.name === 'starter v2');
      // The old entry is untouched and still usable by whoever holds it.
      assert.equal(old.model.manifest.name, 'starter');
      assert.equal(predictTexts(old.model, ['I miss you']).length, 1);
      const res = await s.app.inject({ method: 'GET', url: '/v1/models/starter' });
      assert.equal((res.json() as { name: string }).name, 'starter v2');
      assert.equal(s.registry.reloads, 1);
    } finally {
      await s.close();
    }
  });

  it('a corrupt version is refused, logged once, and the old version keeps serving', async () => {
    const s = await testServer({ starter: await starterModel() });
    try {
      const dir = path.join(s.config.modelsDir, 'starter');
      // A new manifest whose weights do not match their checksums: what a bad copy looks like.
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
      manifest.name = 'broken';
      manifest.files.weights.sha256 = '0'.repeat(64);
      fs.writeFileSync(path.join(dir, 'manifest.json.new'), JSON.stringify(manifest));
      fs.renameSync(path.join(dir, 'manifest.json.new'), path.join(dir, 'manifest.json'));
      const res = await s.app.inject({ method: 'POST', url: '/v1/admin/reload' });
      const body = res.json() as { loaded: string[]; refused: Array<{ id: string; reason: string }> };
      assert.deepEqual(body.loaded, []);
      assert.equal(body.refused.length, 1);
      assert.equal(body.refused[0].id, 'starter');
      assert.match(body.refused[0].reason, /checksum/);
      assert.doesNotMatch(body.refused[0].reason, /\/tmp\//, 'no server path in the reason');
      assert.equal(s.registry.refusals, 1);
      await s.registry.rescan();
      assert.equal(s.registry.refusals, 1, 'the same bad version is not retried on every scan');
      // Still served: the previous version.
      const predict = await s.app.inject({ method: 'POST', url: '/v1/models/starter/predict', headers: { 'content-type': 'application/json' }, payload: { texts: ['I miss you'] } });
      assert.equal(predict.statusCode, 200);
      assert.equal(((await s.app.inject({ method: 'GET', url: '/v1/models/starter' })).json() as { name: string }).name, 'starter');
      const metrics = (await s.app.inject({ method: 'GET', url: '/metrics' })).body;
      assert.match(metrics, /textclass_model_reloads_refused_total 1/);
      // A good version after the bad one is picked up.
      fs.rmSync(dir, { recursive: true });
      fs.cpSync(await starterModel(), dir, { recursive: true });
      saveNewVersion(dir, 'fixed');
      const again = (await s.app.inject({ method: 'POST', url: '/v1/admin/reload' })).json() as { loaded: string[] };
      assert.deepEqual(again.loaded, ['starter']);
      assert.equal(s.registry.get('starter')!.model.manifest.name, 'fixed');
    } finally {
      await s.close();
    }
  });

  it('a model directory that disappears stops being served; readyz follows', async () => {
    const s = await testServer({ starter: await starterModel() });
    try {
      fs.rmSync(path.join(s.config.modelsDir, 'starter'), { recursive: true });
      await s.registry.rescan();
      assert.equal(s.registry.size, 0);
      const ready = await s.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(ready.statusCode, 503);
      assert.equal((await s.app.inject({ method: 'GET', url: '/v1/models/starter' })).statusCode, 404);
    } finally {
      await s.close();
    }
  });
});
