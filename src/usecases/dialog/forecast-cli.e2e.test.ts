/**
 * The dialog use case through the real CLI: `train` of the tuned next-turn recipe on a subset of
 * the real DailyDialog splits prints the baselines and stores them in the manifest; `eval` reports
 * them; `forecast` reads dialogs separated by blank lines from a file or standard input, plain and
 * --json, and refuses models and input it cannot use with one line and a non-zero exit.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT } from '../../test-support/starter-data.js';
import { dailyDialogSubset, HAVE_DAILYDIALOG, tempWork } from './dialog-fixtures.js';

const CLI = path.join(REPO_ROOT, 'bin', 'textclass.js');

function cli(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', input, env: { ...process.env, TEXTCLASS_DATA_DIR: '', TEXTCLASS_RUNS_DB: '' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('textclass train / eval / forecast with a next-turn DailyDialog model', { skip: !HAVE_DAILYDIALOG && 'shared datasets not found beside the repository', timeout: 120_000 }, () => {
  let work: string;
  let model: string;
  let trainOut: string;
  let dev: string;
  before(async () => {
    work = tempWork('cli');
    const train = await dailyDialogSubset('train', 1500, work);
    dev = await dailyDialogSubset('validation', 150, work);
    model = path.join(work, 'models', 'dd-next');
    const r = cli(['train', 'recipes/dailydialog-next-tuned.yaml', '--out', model, '--set', `data.train=${train}`, '--set', `data.dev=${dev}`, '--no-track']);
    assert.equal(r.code, 0, r.stderr);
    trainOut = r.stdout;
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  test('train prints the model against the majority and stratified baselines and stores them', () => {
    assert.match(trainOut, /dev against baselines \(next-turn model\):\n\s+balanced_acc\s+accuracy\s+macro_f1\n\s+this model\s+0\.\d{4}.*\n\s+majority \("no emotion"\)\s+0\.\d{4}\s+0\.\d{4}.*\n\s+stratified random \(20 draws\)/);
    const manifest = JSON.parse(fs.readFileSync(path.join(model, 'manifest.json'), 'utf8'));
    assert.deepEqual(manifest.dialog, { target: 'next_turn', contextTurns: 3, contextSeparator: '\n' });
    const b = manifest.metrics.dev_baselines;
    assert.equal(b.majority_label, 'no emotion');
    const present = Object.values(manifest.metrics.dev.per_class as Record<string, { support: number }>).filter((c) => c.support > 0).length;
    assert.equal(b.majority.balanced_accuracy, 1 / present, 'one class right, the others wrong: 1 / classes present in dev');
    assert.ok(b.majority.accuracy > 0.8, 'majority wins on accuracy: "no emotion" dominates');
    assert.ok(b.stratified.balanced_accuracy > 0.1 && b.stratified.balanced_accuracy < 0.2);
    assert.ok(Math.abs(Object.values(b.prior as Record<string, number>).reduce((a, p) => a + p, 0) - 1) < 1e-9);
    assert.ok(manifest.metrics.dev.balanced_accuracy > b.majority.balanced_accuracy, 'the model beats always-"no emotion"');
  });

  test('eval reports the same baselines on the same data (from the stored prior)', () => {
    const r = cli(['eval', model, '--data', dev, '--json', '--no-track']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    const manifest = JSON.parse(fs.readFileSync(path.join(model, 'manifest.json'), 'utf8'));
    assert.deepEqual(report.baselines, manifest.metrics.dev_baselines);
    assert.equal(report.balanced_accuracy, manifest.metrics.dev.balanced_accuracy);
    const plain = cli(['eval', model, '--data', dev, '--no-track']);
    assert.match(plain.stdout, /against baselines \(next-turn model\)/);
  });

  test('forecast: one line per dialog (blank lines separate them), plain and --json, from stdin or a file', () => {
    const input = 'Guess what ? I got the job !\nReally ? Congratulations !\n\n\nMy grandfather died last night .\n';
    const plain = cli(['forecast', model], input);
    assert.equal(plain.code, 0, plain.stderr);
    const lines = plain.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^[a-z ]+\t([a-z ]+=0\.\d{3} ?){7}\tdialog 1 \(line 1, 2 turns; read the last and 1 before it\)$/);
    assert.match(lines[1], /\tdialog 2 \(line 5, 1 turn; read the last and 0 before it\)$/);

    const file = path.join(work, 'chats.txt');
    fs.writeFileSync(file, input.replace(/\n/g, '\r\n'));
    const json = cli(['forecast', model, '--input', file, '--json', '--top', '3']);
    assert.equal(json.code, 0, json.stderr);
    const rows = json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(rows.map((r) => [r.dialog, r.line, r.context.turns_given, r.context.turns_used]), [[1, 1, 2, 1], [2, 5, 1, 0]]);
    for (const r of rows) {
      assert.equal(r.distribution.length, 7);
      assert.equal(r.next, r.distribution[0].label);
      assert.equal(r.top.length, 3);
    }
    // The plain output's first column is the JSON's "next"; CRLF changed nothing.
    assert.deepEqual(lines.map((l) => l.split('\t')[0]), rows.map((r) => r.next));
  });

  test('forecast refuses a model without next-turn training, a missing file and a bad --top, in one line', () => {
    const starter = path.join(work, 'models', 'starter');
    assert.equal(cli(['train', 'recipes/starter.yaml', '--data-dir', 'data', '--out', starter, '--quiet', '--no-track']).code, 0);
    const refused = cli(['forecast', starter], 'hello\n');
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr.trim().split('\n').length, 1);
    assert.match(refused.stderr, /not trained for next-turn forecasting.*dialog: \{target: next_turn/);
    const missing = cli(['forecast', model, '--input', path.join(work, 'nope.txt')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope\.txt: file not found/);
    const top = cli(['forecast', model, '--top', '0'], 'hi\n');
    assert.equal(top.code, 2);
    assert.match(top.stderr, /--top must be a positive integer/);
    const empty = cli(['forecast', model], '\n\n');
    assert.equal(empty.code, 0);
    assert.match(empty.stderr, /held no dialog/);
  });

  test('forecast --help teaches the input format and the recipe it needs', () => {
    const r = cli(['forecast', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /blank line ends a dialog/);
    assert.match(r.stdout, /dialog: \{target: next_turn, context_turns: N\}/);
    assert.match(r.stdout, /Examples:/);
  });
});
