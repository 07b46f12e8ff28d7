#!/usr/bin/env node
// `npm test` after the build: node's test runner over dist/, two files at a time. Tests run the CLI
// as a user would, and a tracked CLI run writes to the experiment-tracking database
// ($TEXTCLASS_RUNS_DB, else ./textclass-runs.sqlite); it is pointed at a temporary folder that is
// removed afterwards, so a test run leaves nothing in the checkout and sees no runs of earlier ones.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-test-runs-'));
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', 'dist/'], {
  stdio: 'inherit',
  env: { ...process.env, TEXTCLASS_RUNS_DB: path.join(scratch, 'textclass-runs.sqlite') },
});
fs.rmSync(scratch, { recursive: true, force: true });
if (result.error) throw result.error;
process.exit(result.status ?? 1);
