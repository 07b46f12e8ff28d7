#!/usr/bin/env node
// Featurization speed and memory: TfidfVectorizer.fit on the 25,000 IMDB train reviews (lower-cased,
// nothing else), one child process per setting and run, so each peak RSS is that fit's own.
// With --phase transform: a child fits and saves the vectorizer, then another loads it and
// transforms the same 25,000 reviews, so the peak RSS is the transform's own (plus texts and vocabulary).
//
//   npm run build && node bench/featurize.mjs [--data-dir ../shared/datasets] [--repeat 3] [--only cwb25,char25] [--phase fit|transform]
//
// Settings (min_df 2, sublinear tf, l2): word13 (word 1–3), word13+cwb25 (word 1–3 plus a char_wb
// 2–5 block), cwb25 (standalone char_wb 2–5), char25 (standalone char 2–5), and the same with
// hashing into 2^20 buckets (suffix -h). Prints per run: fit seconds, fit CPU seconds (user +
// system; less swayed than wall time by other work on a shared machine), features, nnz, peak RSS
// (process.resourceUsage().maxRSS, which includes the ~120 MB of the texts), then the medians.
// Timings depend on the machine and its load: compare runs made side by side, not with old logs.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: path.join(repoRoot, '..', 'shared', 'datasets') },
    repeat: { type: 'string', default: '3' },
    only: { type: 'string' },
    phase: { type: 'string', default: 'fit' },
    child: { type: 'string' },
    save: { type: 'string' },
    load: { type: 'string' },
  },
});

const SETTINGS = {
  word13: { analyzer: 'word', ngramRange: [1, 3] },
  'word13+cwb25': { analyzer: 'word', ngramRange: [1, 3], charNgrams: { analyzer: 'char_wb', ngramRange: [2, 5], weight: 1 } },
  cwb25: { analyzer: 'char_wb', ngramRange: [2, 5] },
  char25: { analyzer: 'char', ngramRange: [2, 5] },
};
for (const name of Object.keys(SETTINGS)) SETTINGS[`${name}-h`] = { ...SETTINGS[name], hashBuckets: 1 << 20 };

if (values.child) {
  const { DEFAULT_TFIDF, TfidfVectorizer } = await import(pathToFileURL(path.join(repoRoot, 'dist/features/tfidf.js')).href);
  const root = path.join(values['data-dir'], 'imdb/aclImdb/train');
  const texts = [];
  for (const label of ['neg', 'pos']) {
    for (const f of fs.readdirSync(path.join(root, label)).sort()) texts.push(fs.readFileSync(path.join(root, label, f), 'utf8').toLowerCase());
  }
  const config = { ...DEFAULT_TFIDF, minDf: 2, ...SETTINGS[values.child] };
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let vectorizer;
  let matrix;
  if (values.load) {
    const read = (name, Type) => {
      const b = fs.readFileSync(path.join(values.load, name));
      return new Type(b.buffer, b.byteOffset, b.byteLength / Type.BYTES_PER_ELEMENT);
    };
    vectorizer = TfidfVectorizer.fromArrays(config, { tokens: read('tokens', Uint8Array), ngrams: read('ngrams', Int32Array), idf: read('idf', Float32Array) });
    matrix = vectorizer.transform(texts);
  } else {
    ({ vectorizer, matrix } = TfidfVectorizer.fit(texts, config));
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const peakMB = Math.round((process.resourceUsage().maxRSS * 1024) / 1e6);
  if (values.save) {
    const arrays = vectorizer.toArrays();
    for (const name of ['tokens', 'ngrams', 'idf']) fs.writeFileSync(path.join(values.save, name), arrays[name]);
  }
  // After the timing and the peak: a digest of the matrix, so runs of two builds can be compared for identical output.
  const hash = createHash('sha256');
  for (const a of [matrix.indptr, matrix.indices, matrix.data]) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  const sha256 = hash.digest('hex').slice(0, 16);
  console.log(JSON.stringify({ sha256, setting: values.child, seconds: +seconds.toFixed(2), cpuSeconds: +cpuSeconds.toFixed(2), features: vectorizer.numFeatures, nnz: matrix.indptr[matrix.rows], peakMB }));
  process.exit(0);
}

if (values.phase !== 'fit' && values.phase !== 'transform') throw new Error(`bench: --phase fit or transform, got ${values.phase}`);
if (!fs.existsSync(path.join(repoRoot, 'dist/features/tfidf.js'))) throw new Error('bench: build first (npm run build)');
const names = values.only ? values.only.split(',') : Object.keys(SETTINGS);
for (const n of names) if (!SETTINGS[n]) throw new Error(`bench: unknown setting ${n}; known: ${Object.keys(SETTINGS).join(', ')}`);
const runs = new Map(names.map((n) => [n, []]));
// Settings interleaved per round, so load changes on the machine spread over all of them.
for (let round = 0; round < Number(values.repeat); round++) {
  for (const name of names) {
    const run = (extra) => {
      const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', name, '--data-dir', values['data-dir'], ...extra], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`bench: ${name} failed:\n${child.stderr}`);
      return JSON.parse(child.stdout.trim().split('\n').pop());
    };
    let result;
    if (values.phase === 'transform') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'featurize-'));
      try {
        const fitted = run(['--save', dir]);
        result = run(['--load', dir]);
        if (result.nnz !== fitted.nnz) throw new Error(`bench: ${name}: transform gave ${result.nnz} values, fit ${fitted.nnz}`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    } else {
      result = run([]);
    }
    console.log(JSON.stringify(result));
    runs.get(name).push(result);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
console.log(`\n${'setting'.padEnd(16)}${`${values.phase} s (median)`.padStart(20)}${'CPU s (median)'.padStart(20)}${'peak RSS MB (median)'.padStart(22)}  ${'features'.padStart(9)}  nnz`);
for (const [name, rs] of runs) {
  console.log(`${name.padEnd(16)}${String(median(rs.map((r) => r.seconds))).padStart(20)}${String(median(rs.map((r) => r.cpuSeconds))).padStart(20)}${String(median(rs.map((r) => r.peakMB))).padStart(22)}  ${String(rs[0].features).padStart(9)}  ${rs[0].nnz}`);
}
