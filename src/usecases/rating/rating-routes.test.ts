/**
 * The rating routes and the rating field of the predict route, in process over a real model
 * trained on a small real subset of aclImdb: listing, rating, long reviews (refused or windowed),
 * models without a map, and the OpenAPI document.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { loadRecipe } from '../../recipe/load.js';
import { starterModel, tempDir, testServer, waitForJob, type TestServer } from '../../serve/fixtures.js';
import { trainFromRecipe } from '../../train/train.js';
import { imdbSubset, IMDB_TRAIN, writeSmallRatingRecipe } from './rating-fixture.js';

const skip = !fs.existsSync(IMDB_TRAIN) ? `the IMDB data set is not at ${IMDB_TRAIN}` : false;

interface Rated {
  stars: number;
  naive_stars: number;
  positive_probability: number;
  chars: number;
  windows: number;
}

describe('GET /v1/rating/models, POST /v1/rating/rate and predict\'s rating field', { skip, timeout: 120_000 }, () => {
  let ratingModel: string;
  let refuse: TestServer;
  let windowed: TestServer;
  let models: Record<string, string>;

  before(async () => {
    const work = tempDir('rating');
    imdbSubset(work, 100);
    ratingModel = path.join(work, 'model');
    await trainFromRecipe({ recipe: loadRecipe(writeSmallRatingRecipe(work)), dataDir: work, outDir: ratingModel });
    models = { reviews: ratingModel, starter: await starterModel() };
    refuse = await testServer(models, { maxTextChars: 2000 });
    windowed = await testServer(models, { maxTextChars: 2000, longTexts: 'window' });
  });
  after(async () => {
    await refuse?.close();
    await windowed?.close();
  });

  test('a batch job on a rated model gives each row the same stars as the rating route', async () => {
    // An API key turns authentication on, so this test has a server of its own.
    const server = await testServer(models, { maxTextChars: 2000 });
    try {
      const key = server.storage.keys.create('admin', 'batch').key;
      const texts = ['One of the best films I have ever seen: moving, funny and beautifully acted.', 'A boring, stupid waste of time. The worst acting imaginable.', 'It was fine.'];
      const csv = 'id,text\r\n' + texts.map((t, i) => `r${i},"${t}"`).join('\r\n') + '\r\n';
      const res = await server.app.inject({ method: 'POST', url: '/v1/models/reviews/batch', headers: { 'content-type': 'text/csv', 'x-api-key': key }, payload: csv });
      assert.equal(res.statusCode, 202, res.body);
      const { job_id, result_url } = res.json() as Record<string, string>;
      assert.equal((await waitForJob(server, job_id, key)).status, 'done');
      const out = await server.app.inject({ method: 'GET', url: result_url, headers: { 'x-api-key': key } });
      const rows = parse(out.body, { columns: true }) as Array<Record<string, string>>;
      assert.deepEqual(Object.keys(rows[0]).slice(-2), ['stars', 'naive_stars']);
      const rated = (await server.app.inject({ method: 'POST', url: '/v1/rating/rate', headers: { 'x-api-key': key }, payload: { model: 'reviews', texts } })).json() as { results: Rated[] };
      assert.deepEqual(
        rows.map((r) => [Number(r.stars), Number(r.naive_stars)]),
        rated.results.map((r) => [r.stars, r.naive_stars]),
      );
    } finally {
      await server.close();
    }
  });


  test('lists only the models with a rating map, with their measured metrics and the limits', async () => {
    const res = await refuse.app.inject({ method: 'GET', url: '/v1/rating/models' });
    assert.equal(res.statusCode, 200);
    const body = res.json() as { models: { id: string; method: string; positive_label: string; fitted_on: string; map: { cuts: number[]; stars: number[] }; metrics: { dev: { n: number; naive: { mae: number }; learnt: { mae: number } } } }[]; limits: Record<string, unknown> };
    assert.deepEqual(body.models.map((m) => m.id), ['reviews']);
    const m = body.models[0];
    assert.equal(m.positive_label, 'pos');
    assert.equal(m.fitted_on, 'cv');
    assert.equal(m.map.stars.length, m.map.cuts.length + 1);
    assert.ok(m.metrics.dev.n > 0 && m.metrics.dev.learnt.mae > 0 && m.metrics.dev.naive.mae > 0);
    assert.deepEqual(body.limits, { max_texts: refuse.config.maxTexts, max_text_chars: 2000, long_texts: 'refuse' });
  });

  test('rates reviews: learnt and naive stars from the same probability, in input order', async () => {
    const texts = ['Wonderful, moving and funny: a masterpiece I will watch again and again.', 'Dreadful. Boring plot, awful acting, a complete waste of two hours.'];
    const res = await refuse.app.inject({ method: 'POST', url: '/v1/rating/rate', payload: { model: 'reviews', texts } });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { model: string; method: string; results: Rated[] };
    assert.equal(body.model, 'reviews');
    assert.equal(body.results.length, 2);
    assert.ok(body.results[0].stars > body.results[1].stars);
    for (const [i, r] of body.results.entries()) {
      assert.equal(r.naive_stars, Math.min(10, Math.max(1, Math.round(10 * r.positive_probability))));
      assert.equal(r.chars, texts[i].length);
      assert.equal(r.windows, 1);
    }
    // The predict route carries the same rating.
    const predicted = await refuse.app.inject({ method: 'POST', url: '/v1/models/reviews/predict', payload: { texts } });
    const results = (predicted.json() as { results: { scores: Record<string, number>; rating: Omit<Rated, 'chars' | 'windows'> }[] }).results;
    assert.deepEqual(results.map((r) => r.rating.stars), body.results.map((r) => r.stars));
    assert.ok(Math.abs(results[0].rating.positive_probability - results[0].scores.pos) < 1e-6);
    const starter = await refuse.app.inject({ method: 'POST', url: '/v1/models/starter/predict', payload: { texts: ['so happy today'] } });
    assert.equal((starter.json() as { results: { rating?: unknown }[] }).results[0].rating, undefined, 'no map, no rating field');
  });

  test('a review longer than max_text_chars is refused with what to do, or scored as windows', async () => {
    const long = 'A slow start, but the second half is gripping and the ending is perfect. '.repeat(60);
    assert.ok(long.length > 2000);
    const refused = await refuse.app.inject({ method: 'POST', url: '/v1/rating/rate', payload: { model: 'reviews', texts: ['fine', long] } });
    assert.equal(refused.statusCode, 413);
    assert.match((refused.json() as { error: { message: string } }).error.message, /texts\[1\] has \d+ characters, the limit is 2000; .*--long-texts window/);
    const res = await windowed.app.inject({ method: 'POST', url: '/v1/rating/rate', payload: { model: 'reviews', texts: [long] } });
    assert.equal(res.statusCode, 200, res.body);
    const r = (res.json() as { results: Rated[] }).results[0];
    assert.equal(r.chars, long.length);
    assert.ok(r.windows >= 3, `scored as ${r.windows} windows`);
  });

  test('bad requests are 4xx with the field or the fix named', async () => {
    const noMap = await refuse.app.inject({ method: 'POST', url: '/v1/rating/rate', payload: { model: 'starter', texts: ['x'] } });
    assert.equal(noMap.statusCode, 422);
    assert.match((noMap.json() as { error: { message: string } }).error.message, /has no rating map; train one with a recipe that has a rating: section/);
    const unknown = await refuse.app.inject({ method: 'POST', url: '/v1/rating/rate', payload: { model: 'nope', texts: ['x'] } });
    assert.equal(unknown.statusCode, 404);
    const empty = await refuse.app.inject({ method: 'POST', url: '/v1/rating/rate', payload: { model: 'reviews', texts: ['  '] } });
    assert.equal(empty.statusCode, 422);
    assert.match((empty.json() as { error: { message: string } }).error.message, /texts\[0\]: the review is empty/);
    const noTexts = await refuse.app.inject({ method: 'POST', url: '/v1/rating/rate', payload: { model: 'reviews' } });
    assert.equal(noTexts.statusCode, 422);
    assert.match((noTexts.json() as { error: { message: string } }).error.message, /texts/);
    const extra = await refuse.app.inject({ method: 'POST', url: '/v1/rating/rate', payload: { model: 'reviews', texts: ['x'], stars: 3 } });
    assert.equal(extra.statusCode, 422);
  });

  test('the OpenAPI document describes both routes and predict\'s rating field', async () => {
    const doc = (await refuse.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };
    assert.ok(doc.paths['/v1/rating/models'].get);
    assert.ok(doc.paths['/v1/rating/rate'].post.responses['413']);
    assert.match(JSON.stringify(doc.paths['/v1/models/{id}/predict'].post.responses['200'].content!['application/json'].schema), /naive_stars/);
  });
});
