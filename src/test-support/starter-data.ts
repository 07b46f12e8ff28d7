import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

/** Repository root, from a compiled file under dist/. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The shared datasets beside the repository (as in CI). */
export const SHARED_DATASETS = path.resolve(REPO_ROOT, '../shared/datasets');

export interface StarterRow {
  text: string;
  sentiment: string;
  emotion: string;
}

/** The team-written starter data set (data/starter), for tests that need real-looking text. */
export function loadStarter(split: 'train' | 'dev'): StarterRow[] {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'data', 'starter', `${split}.csv`), 'utf8');
  return parse(text, { columns: true }) as StarterRow[];
}
