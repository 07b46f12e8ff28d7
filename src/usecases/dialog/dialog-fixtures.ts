import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openZip } from '../../data/archive/zip.js';
import { loadRecipe } from '../../recipe/load.js';
import { REPO_ROOT, SHARED_DATASETS } from '../../test-support/starter-data.js';
import { trainFromRecipe } from '../../train/train.js';

/**
 * Test support for the dialog use case: subsets of the real DailyDialog splits and a next-turn
 * model trained on them. Not named `test-*.ts` (node --test would run it).
 */
export const DAILYDIALOG = path.join(SHARED_DATASETS, 'dailydialog');
export const HAVE_DAILYDIALOG = fs.existsSync(path.join(DAILYDIALOG, 'train.zip')) && fs.existsSync(path.join(DAILYDIALOG, 'validation.zip'));

/**
 * The first `dialogs` dialogs of a real split as a folder the dailydialog reader takes
 * (`dialogues_<split>.txt` and `dialogues_emotion_<split>.txt`, line for line).
 */
export async function dailyDialogSubset(split: 'train' | 'validation', dialogs: number, into: string): Promise<string> {
  const zip = await openZip(path.join(DAILYDIALOG, `${split}.zip`));
  const dir = path.join(into, `${split}-${dialogs}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const name of [`dialogues_${split}.txt`, `dialogues_emotion_${split}.txt`]) {
    const entry = zip.entries.find((e) => path.basename(e.name) === name);
    if (!entry) throw new Error(`${split}.zip has no ${name}`);
    const lines = (await zip.readEntry(entry, 64 * 1024 * 1024)).toString('utf8').split(/\r?\n/).slice(0, dialogs);
    fs.writeFileSync(path.join(dir, name), lines.join('\n') + '\n');
  }
  return dir;
}

/**
 * A next-turn model trained with recipes/dailydialog-next-tuned.yaml on the first `trainDialogs`
 * training dialogs and `devDialogs` validation dialogs (seconds). Returns the model directory.
 */
export async function nextTurnModel(work: string, trainDialogs = 2000, devDialogs = 200, extra: string[] = []): Promise<string> {
  const train = await dailyDialogSubset('train', trainDialogs, work);
  const dev = await dailyDialogSubset('validation', devDialogs, work);
  const recipe = loadRecipe(path.join(REPO_ROOT, 'recipes', 'dailydialog-next-tuned.yaml'), [`data.train=${train}`, `data.dev=${dev}`, 'name=dialog-next-subset', ...extra]);
  const out = path.join(work, 'models', 'dialog-next');
  await trainFromRecipe({ recipe, dataDir: work, outDir: out, onBadRow: 'skip' });
  return out;
}

export function tempWork(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `textclass-dialog-${prefix}-`));
}
