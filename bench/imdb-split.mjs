#!/usr/bin/env node
// Deterministic, movie-grouped 80/20 split of the aclImdb train folder, written as two folder
// trees of symbolic links so that textclass and scikit-learn read identical files through their
// normal folder readers:
//
//   <out>/train/{neg,pos}/<id>_<stars>.txt -> <src>/{neg,pos}/<id>_<stars>.txt
//   <out>/test/{neg,pos}/<id>_<stars>.txt  -> ...
//   <out>/split.json                          (counts, seed, and the test movies)
//
// Reviews of one movie share names, plot words and quotes, so a random per-review split leaks
// vocabulary and overstates accuracy. Here every review of a movie lands on the same side. The
// movie of review `<id>_<stars>.txt` in label folder L is line id+1 of `urls_L.txt` (next to the
// label folders), e.g. http://www.imdb.com/title/tt0453418/usercomments -> tt0453418. A movie can
// have both positive and negative reviews; grouping is over both labels.
//
// Movies are ordered by sha256(seed + ":" + movie) (independent of file-system order and of the
// Node version), then taken greedily for the test side while neither label overshoots its 20 %
// target, so the test side is close to 20 % of each label.
//
// Usage: node bench/imdb-split.mjs [--src <aclImdb/train>] [--out <dir>] [--test-fraction 0.2] [--seed 42]

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    src: { type: 'string', default: path.resolve(repoRoot, '../shared/datasets/imdb/aclImdb/train') },
    out: { type: 'string', default: path.join(repoRoot, 'bench/out/imdb-split') },
    'test-fraction': { type: 'string', default: '0.2' },
    seed: { type: 'string', default: '42' },
  },
});
const src = path.resolve(values.src);
const out = path.resolve(values.out);
const testFraction = Number(values['test-fraction']);
const seed = values.seed;
if (!(testFraction > 0 && testFraction < 1)) throw new Error(`--test-fraction must be in (0, 1), got ${values['test-fraction']}`);

const LABELS = ['neg', 'pos'];
const FILE_RE = /^(\d+)_(\d+)\.txt$/;
const MOVIE_RE = /\/title\/(tt\d+)\//;

/** @type {{label: string, name: string, movie: string}[]} */
const reviews = [];
for (const label of LABELS) {
  const urls = fs.readFileSync(path.join(src, `urls_${label}.txt`), 'utf8').split('\n');
  for (const name of fs.readdirSync(path.join(src, label))) {
    const m = FILE_RE.exec(name);
    if (!m) continue; // not a review file
    const id = Number(m[1]);
    const url = urls[id];
    const movie = url === undefined ? null : MOVIE_RE.exec(url)?.[1];
    if (!movie) throw new Error(`${label}/${name}: no movie URL on line ${id + 1} of urls_${label}.txt`);
    reviews.push({ label, name, movie });
  }
}

/** movie -> per-label review counts */
const movies = new Map();
for (const r of reviews) {
  let c = movies.get(r.movie);
  if (!c) movies.set(r.movie, (c = { neg: 0, pos: 0 }));
  c[r.label]++;
}
const key = (movie) => createHash('sha256').update(`${seed}:${movie}`).digest('hex');
const order = [...movies.keys()].map((m) => [key(m), m]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((x) => x[1]);

const total = { neg: 0, pos: 0 };
for (const r of reviews) total[r.label]++;
const target = { neg: Math.round(testFraction * total.neg), pos: Math.round(testFraction * total.pos) };
const testMovies = new Set();
const taken = { neg: 0, pos: 0 };
for (const m of order) {
  if (taken.neg >= target.neg && taken.pos >= target.pos) break;
  const c = movies.get(m);
  if (taken.neg + c.neg > target.neg || taken.pos + c.pos > target.pos) continue;
  testMovies.add(m);
  taken.neg += c.neg;
  taken.pos += c.pos;
}

fs.rmSync(out, { recursive: true, force: true });
const counts = { train: { neg: 0, pos: 0 }, test: { neg: 0, pos: 0 } };
for (const side of ['train', 'test']) for (const label of LABELS) fs.mkdirSync(path.join(out, side, label), { recursive: true });
for (const r of reviews) {
  const side = testMovies.has(r.movie) ? 'test' : 'train';
  const dir = path.join(out, side, r.label);
  // Relative links keep working if the repository and the shared folder move together.
  fs.symlinkSync(path.relative(dir, path.join(src, r.label, r.name)), path.join(dir, r.name));
  counts[side][r.label]++;
}
const trainMovies = new Set(reviews.filter((r) => !testMovies.has(r.movie)).map((r) => r.movie));
const summary = {
  src,
  out,
  seed,
  test_fraction: testFraction,
  reviews: reviews.length,
  movies: movies.size,
  train: { ...counts.train, movies: trainMovies.size },
  test: { ...counts.test, movies: testMovies.size },
  test_movies: [...testMovies].sort(),
};
fs.writeFileSync(path.join(out, 'split.json'), JSON.stringify(summary, null, 1) + '\n');
process.stdout.write(
  `imdb split: ${summary.movies} movies, ${reviews.length} reviews -> ` +
    `train ${counts.train.neg} neg + ${counts.train.pos} pos (${trainMovies.size} movies), ` +
    `test ${counts.test.neg} neg + ${counts.test.pos} pos (${testMovies.size} movies) in ${out}\n`,
);
