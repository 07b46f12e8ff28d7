import fs from 'node:fs';
import { readPredictionInput } from '../../data/readers/prediction-input.js';
import { DataError, TextclassError, UsageError } from '../../errors.js';
import { decide } from '../../eval/evaluate.js';
import { explainTextAsync, rankTokens, topFeatures, type Explanation, type ExplanationToken, type FeatureWeight } from '../../explain/index.js';
import type { Classifier } from '../../models/classifier.js';
import { loadModel, type Manifest } from '../../persist/model-dir.js';
import { boolFlag, listFlag, parseCommandArgs, stringFlag } from '../args.js';
import { out } from '../output.js';

export const explainHelp = `Usage: textclass explain <modelDir> [--text "..."]... [--input <file>|-] [--json] [--top k] [--label L]
       textclass explain <modelDir> --top-features [k] [--json]

Shows why a model labels a text the way it does: the tokens that pushed each predicted label (or
--label) up and down the most. For TF-IDF models (logistic regression, linear SVM, naive Bayes,
NB-SVM) the numbers are exact: each label's decision score is its bias plus the sum of the token
contributions (a word n-gram's share is split equally over its words). For other models
(fastText, ONNX) each token's number is the drop in the label's probability when that token is
removed (occlusion).

With --top-features, prints instead the features (words, n-grams) with the largest weights for
and against each label (TF-IDF models only).

Input: --text (repeatable), or --input: one text per line, or JSON lines with "text" and an
optional "id" (standard input when --input is - or when neither is given).

Options:
  --text <text>          a text to explain (repeatable)
  --input <file|->       texts to explain, one per line
  --label <L>            explain this label instead of the predicted one(s) (repeatable)
  --top <k>              tokens shown per direction (default 5); features with --top-features
  --top-features [k]     top k features per label (default 10)
  --occlusion            explain by occlusion even when the model allows exact contributions
  --json                 one JSON object per text (or one for --top-features)
  -h, --help             show this help

Examples:
  textclass explain models/starter --text "I miss you so much already"
  textclass explain models/goemotions --input comments.txt --json --top 10
  textclass explain models/imdb --text "not good at all" --label pos
  textclass explain models/starter --top-features 15
`;

const DEFAULT_TOP = 5;
const DEFAULT_TOP_FEATURES = 10;

export async function runExplain(argv: string[]): Promise<number> {
  const { rest, topFeaturesK, topFeaturesAsked } = extractTopFeatures(argv);
  const args = parseCommandArgs(
    'explain',
    rest,
    {
      text: { type: 'string', multiple: true },
      input: { type: 'string' },
      label: { type: 'string', multiple: true },
      top: { type: 'string' },
      'top-features': { type: 'boolean' },
      occlusion: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    { min: 1, max: 1, names: 'the model directory' },
  );
  if (args.values.help) {
    out(explainHelp);
    return 0;
  }
  const texts = listFlag(args, 'text');
  const input = stringFlag(args, 'input');
  const topFlag = stringFlag(args, 'top');
  const json = boolFlag(args, 'json');
  if (topFeaturesAsked || boolFlag(args, 'top-features')) {
    if (texts.length > 0 || input !== undefined) throw new UsageError('--top-features lists the model\'s features; give texts (--text, --input) in a separate call (see `textclass explain --help`)');
    const k = topFeaturesK ?? (topFlag !== undefined ? positiveInt(topFlag, '--top') : DEFAULT_TOP_FEATURES);
    const { manifest, classifier } = loadModel(args.positionals[0]);
    printTopFeatures(args.positionals[0], manifest, classifier, k, json);
    return 0;
  }
  if (texts.length > 0 && input !== undefined) throw new UsageError('give texts with --text or with --input, not both (see `textclass explain --help`)');
  const top = topFlag !== undefined ? positiveInt(topFlag, '--top') : DEFAULT_TOP;
  if (input !== undefined && input !== '-' && !fs.existsSync(input)) throw new DataError({ file: input }, 'file not found');

  const { manifest, classifier } = loadModel(args.positionals[0]);
  const labels = manifest.labels;
  const chosenLabels = listFlag(args, 'label').map((l) => {
    const k = labels.indexOf(l);
    if (k === -1) throw new UsageError(`--label "${l}" is not a label of this model; its labels: ${labels.join(', ')}`);
    return k;
  });
  const method = boolFlag(args, 'occlusion') ? ('occlusion' as const) : ('auto' as const);

  const explainOne = async (text: string, id: string | undefined): Promise<void> => {
    const e = await explainTextAsync(classifier, text, { method });
    const proba = Float32Array.from(e.probabilities);
    const picked = chosenLabels.length > 0 ? chosenLabels : predictedLabels(proba, labels.length, manifest);
    const predicted = predictedLabels(proba, labels.length, manifest).map((k) => labels[k]);
    out(json ? JSON.stringify(explanationJson(e, picked, predicted, top, id)) + '\n' : formatExplanation(e, picked, predicted, top, id));
  };

  if (texts.length > 0) {
    for (const t of texts) await explainOne(t, undefined);
    return 0;
  }
  const source = input === undefined || input === '-' ? process.stdin : input;
  const name = input === undefined || input === '-' ? '<stdin>' : input;
  for await (const item of readPredictionInput(source, name)) await explainOne(item.text, item.id);
  return 0;
}

/**
 * `--top-features` takes an optional count, which node's parseArgs cannot express: take it (and
 * the number right after it, when there is one) out of argv before parsing.
 */
function extractTopFeatures(argv: string[]): { rest: string[]; topFeaturesK: number | undefined; topFeaturesAsked: boolean } {
  const rest: string[] = [];
  let k: number | undefined;
  let asked = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a.startsWith('--top-features=')) {
      asked = true;
      k = positiveInt(a.slice('--top-features='.length), '--top-features');
      continue;
    }
    if (a === '--top-features') {
      asked = true;
      if (i + 1 < argv.length && /^\d+$/.test(argv[i + 1])) k = positiveInt(argv[++i], '--top-features');
      continue;
    }
    rest.push(a);
  }
  return { rest, topFeaturesK: k, topFeaturesAsked: asked };
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

/** Label indices the model's decision rule picks for one row of probabilities. */
function predictedLabels(proba: Float32Array, K: number, manifest: Manifest): number[] {
  const chosen = decide(proba, 1, K, manifest.decision);
  if (manifest.decision.kind === 'argmax') return [chosen[0]];
  const picked: number[] = [];
  for (let k = 0; k < K; k++) if (chosen[k] === 1) picked.push(k);
  return picked;
}

function tokenJson(t: ExplanationToken): Record<string, unknown> {
  return { text: t.text, token: t.token, start: t.start, end: t.end, contribution: round(t.contribution) };
}

function explanationJson(e: Explanation, picked: number[], predicted: string[], top: number, id: string | undefined): Record<string, unknown> {
  const explained = picked.map((k) => {
    const { positive, negative } = rankTokens(e, k, top);
    const entry: Record<string, unknown> = { label: e.labels[k], probability: round(e.probabilities[k]) };
    if (e.method === 'exact') Object.assign(entry, { score: round(e.score[k]), bias: round(e.bias[k]), unplaced: round(e.unplaced[k]) });
    return Object.assign(entry, { positive: positive.map(tokenJson), negative: negative.map(tokenJson) });
  });
  const body: Record<string, unknown> = { text: e.text, method: e.method, labels: predicted, explained };
  if (e.method === 'exact') Object.assign(body, { score_kind: e.scoreKind, spans: e.spans });
  else Object.assign(body, { window: e.window });
  return id === undefined ? body : { id, ...body };
}

function formatExplanation(e: Explanation, picked: number[], predicted: string[], top: number, id: string | undefined): string {
  const lines: string[] = [];
  const shown = e.text.length > 200 ? e.text.slice(0, 200) + '…' : e.text;
  lines.push(`${id !== undefined ? `[${id}] ` : ''}${JSON.stringify(shown)}`);
  lines.push(`  predicted: ${predicted.join(', ')}`);
  for (const k of picked) {
    const { positive, negative } = rankTokens(e, k, top);
    const p = e.probabilities[k].toFixed(3);
    if (e.method === 'exact') {
      const tokens = e.score[k] - e.bias[k] - e.unplaced[k];
      lines.push(`  ${e.labels[k]}  p=${p}  ${e.scoreKind} ${signed(e.score[k])} = bias ${signed(e.bias[k])} + tokens ${signed(tokens)}${e.unplaced[k] !== 0 ? ` + unplaced ${signed(e.unplaced[k])}` : ''}`);
    } else {
      lines.push(`  ${e.labels[k]}  p=${p}  (occlusion: drop in p when the token is removed${e.window > 1 ? `, in windows of ${e.window} tokens` : ''})`);
    }
    const width = Math.min(24, Math.max(4, ...[...positive, ...negative].map((t) => t.text.length)));
    for (const t of positive) lines.push(`    + ${t.text.padEnd(width)} ${signed(t.contribution)}`);
    for (const t of negative) lines.push(`    - ${t.text.padEnd(width)} ${signed(t.contribution)}`);
    if (positive.length === 0 && negative.length === 0) lines.push('    (no token of the text moved this label)');
  }
  return lines.join('\n') + '\n\n';
}

function printTopFeatures(modelDir: string, manifest: Manifest, classifier: Classifier, k: number, json: boolean): void {
  const top = topFeatures(classifier, k, { against: true });
  if (!top.available) throw new TextclassError(`top features are not available for model ${modelDir}: ${top.reason}`);
  const feature = (f: FeatureWeight): Record<string, unknown> => (f.name === null ? { bucket: f.bucket, name: null, weight: round(f.weight) } : { name: f.name, weight: round(f.weight) });
  if (json) {
    const labels: Record<string, unknown> = {};
    for (const l of top.labels) labels[l.label] = { toward: l.toward.map(feature), against: l.against.map(feature) };
    out(JSON.stringify({ model: manifest.name, type: classifier.type, weight: top.weight, hashed: top.hashed, labels }) + '\n');
    return;
  }
  const lines = [`top ${k} features per label of ${manifest.name} (${classifier.type}; weight: ${top.weight}${top.hashed ? '; hashed features: names unavailable, bucket ids shown' : ''})`, ''];
  const show = (f: FeatureWeight): string => `${f.name ?? `#${f.bucket}`} ${signed(f.weight)}`;
  for (const l of top.labels) {
    lines.push(l.label);
    lines.push(`  toward:  ${l.toward.map(show).join(' · ')}`);
    lines.push(`  against: ${l.against.map(show).join(' · ')}`);
  }
  out(lines.join('\n') + '\n');
}

function signed(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return (x >= 0 ? '+' : '') + x.toFixed(3);
}

function round(x: number): number | null {
  // JSON has no ±Infinity (a naive Bayes class never seen in training has a −∞ prior).
  return Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : null;
}
