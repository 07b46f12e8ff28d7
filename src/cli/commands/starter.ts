import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRecipe } from '../../recipe/load.js';
import { boolFlag, parseCommandArgs, stringFlag } from '../args.js';
import { out } from '../output.js';
import { printTrainSummary, trainWithProgress } from './train.js';

export const starterHelp = `Usage: textclass starter [--out <modelDir>]

The offline demo (what \`npm start\` runs): trains recipes/starter.yaml on the starter data set
that ships with textclass (short English texts written by the textclass team, 7 emotions) and
prints its dev report. Needs no network and no other files.

Options:
  --out <dir>     where to write the model (default: models/starter)
  --quiet         print only the summary line
  -h, --help      show this help

Example:
  echo "I miss you so much already" | textclass predict models/starter
`;

/** The package root, where recipes/ and data/starter/ ship. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export async function runStarter(argv: string[]): Promise<number> {
  const args = parseCommandArgs('starter', argv, { out: { type: 'string' }, quiet: { type: 'boolean' } }, { min: 0, max: 0, names: '' });
  if (args.values.help) {
    out(starterHelp);
    return 0;
  }
  const outDir = stringFlag(args, 'out') ?? path.join('models', 'starter');
  const recipe = loadRecipe(path.join(PACKAGE_ROOT, 'recipes', 'starter.yaml'));
  const result = await trainWithProgress(recipe, path.join(PACKAGE_ROOT, 'data'), outDir, boolFlag(args, 'quiet'));
  printTrainSummary(result, outDir, boolFlag(args, 'quiet'));
  out(`\nTry it:  echo "I miss you so much already" | node bin/textclass.js predict ${outDir}\n`);
  return 0;
}
