/**
 * `textclass recommend` as a user runs it: the real CLI in a child process, a real starter model,
 * the bundled English demo catalog copied to a temp folder (so its score store lands there).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { starterModel, tempDir } from '../../serve/fixtures.js';
import { REPO_ROOT } from '../../test-support/starter-data.js';

const CLI = path.join(REPO_ROOT, 'bin', 'textclass.js');

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'recommend', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('textclass recommend', () => {
  let model: string;
  let catalog: string;
  before(async () => {
    model = await starterModel();
    const work = tempDir('recommend-cli');
    catalog = path.join(work, 'lines.csv');
    fs.copyFileSync(path.join(REPO_ROOT, 'data', 'catalog', 'english-lines.csv'), catalog);
  });

  test('--help teaches both forms with examples', () => {
    const r = run(['--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /textclass recommend catalog build <file> --model <dir>/);
    assert.match(r.stdout, /--from-text/);
    assert.match(r.stdout, /Examples:/);
  });

  test('catalog build scores once, reports counts and the agreement with written_for; a rebuild scores nothing', () => {
    const first = run(['catalog', 'build', catalog, '--model', model, '--expect', 'written_for', '--json']);
    assert.equal(first.status, 0, first.stderr);
    const a = JSON.parse(first.stdout) as { items: number; scored: number; reused: number; new_items: number; agreement: { items: number; agree: number; fraction: number }; top_labels: Record<string, number> };
    assert.equal(a.items, 30);
    assert.equal(a.scored, 30);
    assert.equal(a.new_items, 30);
    assert.equal(a.agreement.items, 30);
    assert.ok(a.agreement.fraction > 1 / 7, `better than chance over 7 emotions: ${a.agreement.fraction}`);
    assert.equal(Object.values(a.top_labels).reduce((x, y) => x + y, 0), 30);
    assert.ok(fs.existsSync(path.join(path.dirname(catalog), 'lines.textclass.sqlite')));

    const second = run(['catalog', 'build', catalog, '--model', model]);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /30 items \(since the last build: 0 new, 0 changed, 0 removed\)/);
    assert.match(second.stdout, /scored 0 texts, reused 30 stored scores/);
  });

  test('recommend prints each item with its bars and why; --json has the API shape', () => {
    const text = run(['--catalog', catalog, '--model', model, '--target', 'sadness', '--n', '3']);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^3 items for sadness:/);
    assert.equal(text.stdout.match(/why: sadness \d+\.\d%/g)?.length, 3);
    assert.match(text.stdout, /sadness +[█·]{12} \d\.\d\d {2}← target/);

    const json = run(['--catalog', catalog, '--model', model, '--from-text', 'I am so scared of what tomorrow brings', '--toward', 'joy', '--n', '4', '--json']);
    assert.equal(json.status, 0, json.stderr);
    const a = JSON.parse(json.stdout) as { mode: string; detected: { label: string }; items: { why: { kind: string; step: number } }[]; catalog_scores: { scored: number } };
    assert.equal(a.mode, 'path');
    assert.equal(a.detected.label, 'fear');
    assert.deepEqual(a.items.map((i) => i.why.step), [1, 2, 3, 4]);
    assert.equal(a.catalog_scores.scored, 0, 'the stored scores were used');
  });

  test('mistakes exit non-zero with one line that says what to do', () => {
    const cases: [string[], number, RegExp][] = [
      [['--catalog', catalog, '--model', model], 2, /--target <emotion> is required/],
      [['--catalog', catalog, '--model', model, '--target', 'happiness'], 2, /"happiness" is not a label of the model; its labels are anger, fear, joy, love, neutral, sadness, surprise/],
      [['--catalog', catalog, '--model', model, '--target', 'joy', '--n', '0'], 2, /--n must be an integer from 1 to 100/],
      [['--catalog', catalog, '--model', model, '--target', 'joy', '--from-text', '  '], 2, /--from-text is empty/],
      [['catalog', 'frob', catalog], 2, /unknown subcommand "catalog frob"/],
      [['catalog', 'build', catalog, '--model', model, '--target', 'joy'], 2, /--target is for recommending/],
      [['catalog', 'build', catalog, '--model', model, '--expect', 'mood'], 1, /field "mood": no such column/],
      [['--catalog', path.join(REPO_ROOT, 'package.json'), '--model', model, '--target', 'joy'], 1, /package\.json: a catalog is a \.csv file or a SQLite file/],
      [['--catalog', catalog, '--model', path.join(REPO_ROOT, 'nope'), '--target', 'joy'], 1, /model .*nope: directory not found/],
    ];
    for (const [args, status, message] of cases) {
      const r = run(args);
      assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line, no stack');
    }
  });
});
