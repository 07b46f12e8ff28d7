import path from 'node:path';
import { UsageError } from '../../errors.js';
import { loadModel, type LoadedModel } from '../../persist/model-dir.js';
import { agreementWith, type Agreement } from '../../usecases/recommend/agreement.js';
import { readCatalog } from '../../usecases/recommend/catalog.js';
import { scoreCatalog, type ScoredCatalog } from '../../usecases/recommend/catalog-scores.js';
import { argmax } from '../../usecases/recommend/distribution.js';
import { ScoreStore, storePathOf } from '../../usecases/recommend/score-store.js';
import { catalogScoresJson, recommend, type RecommendAnswer } from '../../usecases/recommend/service.js';
import { boolFlag, parseCommandArgs, requireFlag, stringFlag } from '../args.js';
import { out } from '../output.js';

export const recommendHelp = `Usage: textclass recommend --catalog <file> --model <dir> --target <emotion> [--from-text "..."] [options]
       textclass recommend catalog build <file> --model <dir> [--expect <column>] [options]

Recommends items of a catalog (songs, poems, anything with a text) by emotion. Each item's
emotion distribution is computed once per model and stored beside the catalog in
<catalog>.textclass.sqlite (keyed by the model's manifest checksum and the item text's sha256), so
later runs score only new or changed items, and another model gets scores of its own.

  recommend --target T              the items most likely to carry emotion T (ties within 0.02 go
                                    to the item least like those already listed; then by --seed)
  recommend --target T --from-text  a path: detects the emotion of your text, then lists items that
                                    start near that mood and move step by step toward T, ending at
                                    the catalog's most T-like item (each step aims a bit further
                                    along the way and takes the closest unused item by
                                    Jensen-Shannon distance)
  catalog build <file>              scores the catalog now and says how many texts were scored and
                                    how many stored scores were reused

Every item comes with its "why": its distribution, the target it matched and the score.

A catalog is a CSV file with a header row: id,title,text and optionally creator,url (more columns
are kept, e.g. written_for), or a SQLite file with a table items(id, title, text[, creator, url]).

Options:
  --catalog <file>     the catalog (recommend)
  --model <dir>        a model directory (its labels are the emotions)
  --target <emotion>   a label of the model: the emotion to match, or to move toward with --from-text
  --toward <emotion>   another name for --target, reading better with --from-text
  --from-text <text>   how the listener feels, in their words
  --n <k>              how many items (default 5, at most 100)
  --seed <s>           seed of the tie-breaking order (default 0)
  --store <file>       where scores are kept (default: beside the catalog, <name>.textclass.sqlite)
  --expect <column>    catalog build: compare each item's top emotion with this column (the emotion
                       it was written for) and print the fraction that agree
  --json               print JSON (the same shape as POST /v1/recommend)
  -h, --help           show this help

Examples:
  textclass train recipes/korean-emotion4.yaml --out models/korean-emotion4 --data-dir ../shared/datasets
  textclass recommend catalog build data/catalog/korean-lyrics.csv --model models/korean-emotion4 --expect written_for
  textclass recommend --catalog data/catalog/korean-lyrics.csv --model models/korean-emotion4 --target 행복
  textclass recommend --catalog data/catalog/korean-lyrics.csv --model models/korean-emotion4 \\
      --from-text "오늘 너무 우울하고 외로워" --target 행복 --n 6
  textclass recommend --catalog data/catalog/english-lines.csv --model models/starter --target joy --json
`;

const MAX_N = 100;

export async function runRecommend(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    'recommend',
    argv,
    {
      catalog: { type: 'string' },
      model: { type: 'string' },
      target: { type: 'string' },
      toward: { type: 'string' },
      'from-text': { type: 'string' },
      n: { type: 'string' },
      seed: { type: 'string' },
      store: { type: 'string' },
      expect: { type: 'string' },
      json: { type: 'boolean' },
    },
    { min: 0, max: 3, names: 'a subcommand' },
  );
  if (args.values.help) {
    out(recommendHelp);
    return 0;
  }
  const json = boolFlag(args, 'json');
  const [sub, action, file] = args.positionals;
  if (sub !== undefined) {
    if (sub !== 'catalog' || action !== 'build') throw new UsageError(`unknown subcommand "${args.positionals.slice(0, 2).join(' ')}"; the subcommand is \`catalog build <file>\` (see \`textclass recommend --help\`)`);
    if (file === undefined) throw new UsageError('catalog build needs the catalog file: `textclass recommend catalog build <file> --model <dir>`');
    for (const flag of ['catalog', 'target', 'toward', 'from-text', 'n', 'seed']) if (stringFlag(args, flag) !== undefined) throw new UsageError(`--${flag} is for recommending, not for \`catalog build\` (see \`textclass recommend --help\`)`);
    const model = loadModel(requireFlag(args, 'recommend', 'model', 'dir'));
    const { scored, storeFile } = await build(file, model, stringFlag(args, 'store'));
    const expect = stringFlag(args, 'expect');
    const agreement = expect === undefined ? undefined : agreementWith(scored, expect, file);
    if (json) out(JSON.stringify({ catalog: file, store: storeFile, model: model.manifest.name, ...catalogScoresJson(scored.modelKey, scored.build), top_labels: topLabelCounts(scored), ...(agreement ? { agreement } : {}) }) + '\n');
    else out(formatBuild(file, storeFile, model, scored, agreement));
    return 0;
  }
  if (stringFlag(args, 'expect') !== undefined) throw new UsageError('--expect belongs to `catalog build` (see `textclass recommend --help`)');
  const catalogFile = requireFlag(args, 'recommend', 'catalog', 'file');
  const target = targetOf(stringFlag(args, 'target'), stringFlag(args, 'toward'));
  const fromText = stringFlag(args, 'from-text');
  if (fromText !== undefined && fromText.trim() === '') throw new UsageError('--from-text is empty; say how the listener feels, or leave the flag out to match --target');
  const n = intFlag(stringFlag(args, 'n'), 'n', 5, 1, MAX_N);
  const seed = intFlag(stringFlag(args, 'seed'), 'seed', 0, 0, 2 ** 31 - 1);
  const model = loadModel(requireFlag(args, 'recommend', 'model', 'dir'));
  const { scored } = await build(catalogFile, model, stringFlag(args, 'store'));
  const answer = await recommend(scored, model, { target, n, seed, ...(fromText !== undefined ? { fromText } : {}) });
  out(json ? JSON.stringify({ model: model.manifest.name, catalog: catalogFile, ...answer }) + '\n' : formatAnswer(answer));
  return 0;
}

async function build(catalogFile: string, model: LoadedModel, storeFlag: string | undefined): Promise<{ scored: ScoredCatalog; storeFile: string }> {
  const catalog = readCatalog(catalogFile);
  const storeFile = storeFlag ?? storePathOf(catalogFile);
  const store = new ScoreStore(storeFile);
  try {
    return { scored: await scoreCatalog(catalog, model, store), storeFile };
  } finally {
    store.close();
  }
}

function targetOf(target: string | undefined, toward: string | undefined): string {
  if (target !== undefined && toward !== undefined && target !== toward) throw new UsageError(`--target "${target}" and --toward "${toward}" differ; --toward is another name for --target, give one`);
  const t = target ?? toward;
  if (t === undefined || t.trim() === '') throw new UsageError('--target <emotion> is required: a label of the model (see `textclass recommend --help`)');
  return t;
}

function intFlag(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

function topLabelCounts(scored: ScoredCatalog): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(scored.labels.map((l) => [l, 0]));
  for (const p of scored.distributions) counts[scored.labels[argmax(p)]]++;
  return counts;
}

function formatBuild(file: string, storeFile: string, model: LoadedModel, scored: ScoredCatalog, agreement: Agreement | undefined): string {
  const b = scored.build;
  const lines = [
    `catalog ${file}: ${b.items} items (since the last build: ${b.newItems} new, ${b.changedItems} changed, ${b.removedItems} removed)`,
    `model ${model.manifest.name} (key ${scored.modelKey.slice(0, 12)}): scored ${b.scored} text${b.scored === 1 ? '' : 's'}, reused ${b.reused} stored score${b.reused === 1 ? '' : 's'}; store ${shownPath(storeFile)}`,
    `top emotion per item: ${Object.entries(topLabelCounts(scored)).map(([l, c]) => `${l} ${c}`).join(', ')}`,
  ];
  if (b.prunedScores > 0 || b.prunedModels > 0) {
    lines.push(`pruned ${b.prunedScores} stored score${b.prunedScores === 1 ? '' : 's'} of texts gone from the catalog${b.prunedModels > 0 ? ` and of ${b.prunedModels} older version${b.prunedModels === 1 ? '' : 's'} of a retrained model` : ''}`);
  }
  if (agreement) {
    lines.push(`top emotion = ${agreement.column}: ${agreement.agree} of ${agreement.items} items (${agreement.fraction.toFixed(3)})`);
    for (const [label, s] of Object.entries(agreement.per_label)) {
      const misses = Object.entries(agreement.confusions[label] ?? {}).map(([got, c]) => `${c}× ${got}`).join(', ');
      lines.push(`  ${label}: ${s.agree}/${s.items}${misses ? ` (others went to ${misses})` : ''}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** A path as typed when it is under the working folder, else absolute. */
function shownPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.resolve(file);
}

/** Terminal columns of a label: Hangul, CJK and full-width forms take two. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/.test(ch) ? 2 : 1;
  return w;
}

const BAR = 12;

function bar(p: number): string {
  const full = Math.round(p * BAR);
  return '█'.repeat(full) + '·'.repeat(BAR - full);
}

function formatAnswer(a: RecommendAnswer): string {
  const lines: string[] = [];
  const cs = a.catalog_scores;
  if (a.mode === 'path' && a.detected) {
    const mood = Object.entries(a.detected.distribution).sort((x, y) => y[1] - x[1]).map(([l, p]) => `${l} ${(100 * p).toFixed(0)}%`).join(', ');
    lines.push(`your text reads as ${a.detected.label} (${mood}); a path of ${a.items.length} items toward ${a.target}:`);
  } else {
    lines.push(`${a.items.length} items for ${a.target}:`);
  }
  const width = Math.max(...a.labels.map(displayWidth));
  for (const r of a.items) {
    lines.push('');
    lines.push(`${String(r.rank).padStart(2)}. ${r.title}${r.creator ? ` — ${r.creator}` : ''}  [${r.id}]  score ${r.score.toFixed(3)}`);
    lines.push(`    "${r.text.replace(/\s+/g, ' ').slice(0, 160)}"`);
    for (const label of a.labels) lines.push(`    ${label}${' '.repeat(width - displayWidth(label))} ${bar(r.distribution[label])} ${r.distribution[label].toFixed(2)}${label === a.target ? '  ← target' : ''}`);
    lines.push(`    why: ${r.why.summary}`);
  }
  lines.push('');
  lines.push(`(catalog: ${cs.items} items; ${cs.scored} scored now, ${cs.reused} stored scores reused)`);
  return lines.join('\n') + '\n';
}
