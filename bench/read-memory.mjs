#!/usr/bin/env node
// Constant-memory check of the CSV reader: streams a ~1 GB CSV through `readExamples` in a child
// process and fails when its peak resident set size reaches the limit.
//
//   npm run build && node bench/read-memory.mjs [--size-mb 1024] [--max-rss-mb 300] [--file F]
//
// The CSV (header `id,text,label`; quoted texts of 20–2000 characters with commas, doubled quotes
// and some embedded newlines; 5 labels) is generated into bench/out/ (git-ignored) in a streaming
// way, from a fixed seed, and reused while its size and the sidecar `<file>.json` (rows and label
// counts written by the generator) agree. The read runs in a child process so that the parent's
// generation buffers do not count against the measured RSS; the child's row and label counts are
// checked against the sidecar, so the bench also proves that nothing was dropped.
//
// Prints rows, seconds, MB/s and peak RSS (the max of `process.memoryUsage().rss` sampled every
// 100 ms and `process.resourceUsage().maxRSS`); the last line is the same as one JSON object.
// Exit status 1 when peak RSS >= --max-rss-mb or the counts differ.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    'size-mb': { type: 'string', default: '1024' },
    'max-rss-mb': { type: 'string', default: '300' },
    file: { type: 'string' },
    child: { type: 'boolean', default: false },
  },
});

const LABELS = ['billing', 'bug', 'feature', 'account', 'praise'];
const MB = 1024 * 1024;
// Bump when the generator changes, so that an old file of the right size is not reused.
const GENERATOR_VERSION = 1;

async function main() {
  const sizeMb = Number(values['size-mb']);
  const maxRssMb = Number(values['max-rss-mb']);
  if (!(sizeMb > 0) || !(maxRssMb > 0)) throw new Error('--size-mb and --max-rss-mb must be positive numbers');
  const file = path.resolve(values.file ?? path.join(repoRoot, 'bench/out', `read-memory-${sizeMb}mb.csv`));
  const truth = await ensureCsv(file, Math.round(sizeMb * MB));

  const result = await runChild(file);
  const countsOk = result.rows === truth.rows && LABELS.every((l) => result.labels[l] === truth.labels[l]) && result.skipped === 0;
  const peakMb = Math.max(result.peakSampledRss, result.maxRss) / MB;
  const mbPerS = truth.bytes / MB / result.seconds;
  const summary = {
    file,
    bytes: truth.bytes,
    rows: result.rows,
    expected_rows: truth.rows,
    labels: result.labels,
    seconds: +result.seconds.toFixed(2),
    mb_per_s: +mbPerS.toFixed(1),
    peak_rss_mb: +peakMb.toFixed(1),
    peak_sampled_rss_mb: +(result.peakSampledRss / MB).toFixed(1),
    max_rss_mb: +(result.maxRss / MB).toFixed(1),
    rss_samples: result.samples,
    max_rss_limit_mb: maxRssMb,
    node: process.version,
    ok: countsOk && peakMb < maxRssMb,
  };
  console.log(`read-memory: ${(truth.bytes / MB).toFixed(0)} MB CSV, ${result.rows.toLocaleString('en')} rows in ${result.seconds.toFixed(2)} s`);
  console.log(`  throughput ${mbPerS.toFixed(1)} MB/s, peak RSS ${peakMb.toFixed(1)} MB (sampled ${summary.peak_sampled_rss_mb} MB, maxRSS ${summary.max_rss_mb} MB; limit ${maxRssMb} MB)`);
  console.log(`  labels ${LABELS.map((l) => `${l}=${result.labels[l] ?? 0}`).join(' ')}`);
  // On stderr as well, where bench/run.sh shows a failed step.
  if (!countsOk) console.error(`read-memory: MISMATCH: expected ${truth.rows} rows ${JSON.stringify(truth.labels)}, skipped ${result.skipped}`);
  if (peakMb >= maxRssMb) console.error(`read-memory: FAIL: peak RSS ${peakMb.toFixed(1)} MB >= ${maxRssMb} MB`);
  console.log(JSON.stringify(summary));
  process.exitCode = summary.ok ? 0 : 1;
}

/** Runs the read in a fresh Node process and returns the JSON it prints. */
function runChild(file) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', '--file', file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s) => (out += s));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`read-memory child exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()));
    });
  });
}

async function childRead(file) {
  const { readExamples } = await import(pathToFileURL(path.join(repoRoot, 'dist/data/read.js')).href);
  let peak = process.memoryUsage().rss;
  let samples = 0;
  const timer = setInterval(() => {
    samples++;
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  const labels = {};
  const skipped = [];
  let rows = 0;
  const started = process.hrtime.bigint();
  const config = { format: 'csv', textFields: ['text'], labelFields: ['label'] };
  for await (const e of readExamples(file, config, { onBadRow: 'skip', skipped })) {
    rows++;
    for (const l of e.labels) labels[l] = (labels[l] ?? 0) + 1;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  // maxRSS is in kilobytes.
  const maxRss = process.resourceUsage().maxRSS * 1024;
  if (skipped.length > 0) console.error(`read-memory: ${skipped.length} rows skipped, first: ${JSON.stringify(skipped[0])}`);
  console.log(JSON.stringify({ rows, labels, skipped: skipped.length, seconds, peakSampledRss: peak, maxRss, samples }));
}

// ------------------------------------------------------------------------------------------------
// Generation

/** Returns the sidecar of a generated CSV of about `bytes`, generating the file when needed. */
async function ensureCsv(file, bytes) {
  const sidecar = `${file}.json`;
  try {
    const truth = JSON.parse(fs.readFileSync(sidecar, 'utf8'));
    const size = fs.statSync(file).size;
    if (truth.version === GENERATOR_VERSION && truth.target === bytes && truth.bytes === size) {
      console.log(`read-memory: reusing ${file}`);
      return truth;
    }
  } catch {
    // No usable file yet.
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  console.log(`read-memory: generating ${(bytes / MB).toFixed(0)} MB into ${file}`);
  const started = Date.now();
  const truth = await generateCsv(file, bytes);
  console.log(`read-memory: generated ${truth.rows.toLocaleString('en')} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  fs.writeFileSync(sidecar, JSON.stringify(truth) + '\n');
  return truth;
}

/** Writes rows until the file reaches `target` bytes, in ~1 MB writes that respect backpressure. */
async function generateCsv(file, target) {
  const tmp = `${file}.tmp`;
  const out = fs.createWriteStream(tmp);
  const rand = mulberry32(20240607);
  const labels = Object.fromEntries(LABELS.map((l) => [l, 0]));
  let bytes = 0;
  let rows = 0;
  // Rows are collected in an array and joined per ~1 MB write; byte counts are kept per row, since
  // measuring a growing string again and again would make generation quadratic.
  let batch = ['id,text,label\n'];
  let batchBytes = Buffer.byteLength(batch[0]);
  for (;;) {
    const label = LABELS[Math.floor(rand() * LABELS.length)];
    const row = `${rows + 1},"${randomText(rand).replaceAll('"', '""')}",${label}\n`;
    const rowBytes = Buffer.byteLength(row);
    if (bytes + batchBytes + rowBytes > target && rows > 0) break;
    batch.push(row);
    batchBytes += rowBytes;
    labels[label]++;
    rows++;
    if (batchBytes >= MB) {
      bytes += batchBytes;
      if (!out.write(batch.join(''))) await new Promise((r) => out.once('drain', r));
      batch = [];
      batchBytes = 0;
    }
  }
  bytes += batchBytes;
  out.write(batch.join(''));
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
  fs.renameSync(tmp, file);
  return { version: GENERATOR_VERSION, target, bytes, rows, labels };
}

const WORDS = (
  'the a to and of it is i this for was my on with not you that have but they be at so can ' +
  'account order refund charged twice invoice password login error crash screen app update ' +
  'support ticket please thanks great love awful slow fast feature request export csv page ' +
  'button click broken works again today yesterday week month customer service help email ' +
  'naïve café déjà vu – “quoted” emoji 🙂 Straße'
).split(' ');

/** A text of 20–2000 characters: words, commas, quotes, sometimes a newline. */
function randomText(rand) {
  // Log-uniform length: many short texts, some long ones, as in real reviews and tickets.
  const len = Math.floor(20 * Math.pow(100, rand()));
  let s = '';
  while (s.length < len) {
    const r = rand();
    let w = WORDS[Math.floor(rand() * WORDS.length)];
    if (r < 0.04) w = `"${w}"`;
    else if (r < 0.1) w += ',';
    else if (r < 0.12) w += '.\n';
    s += s.length === 0 ? w : ' ' + w;
  }
  // Never cut an emoji (a surrogate pair) in half: that would be invalid text.
  const code = s.charCodeAt(len - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? len - 1 : len);
}

/** Small seeded PRNG, so every run generates the same file. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Last, so that the constants above are initialized.
if (values.child) {
  await childRead(values.file);
} else {
  await main();
}
