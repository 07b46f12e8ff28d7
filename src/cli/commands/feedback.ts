import fs from 'node:fs';
import path from 'node:path';
import { csvLine } from '../../serve/jobs-runner.js';
import { openStorage } from '../../serve/storage/index.js';
import { UsageError } from '../../errors.js';
import { parseCommandArgs, requireFlag, stringFlag } from '../args.js';
import { out } from '../output.js';

export const feedbackHelp = `Usage: textclass feedback export --out <file.csv> [--model <id>] [--db <file>]

Writes the corrections users sent with POST /v1/feedback as CSV, ready to merge into training
data: id, model, text, labels (joined with |), predicted, comment, created_at. The file is
written whole or not at all.

Options:
  --out <file>     where to write the CSV (required; "-" for standard output)
  --model <id>     only the feedback about this model
  --db <file>      the server's database (default: $TEXTCLASS_DB, else ./textclass.sqlite)
  -h, --help       show this help

Example:
  textclass feedback export --out feedback.csv --model starter
`;

export async function runFeedback(argv: string[]): Promise<number> {
  const args = parseCommandArgs('feedback', argv, { out: { type: 'string' }, model: { type: 'string' }, db: { type: 'string' } }, { min: 1, max: 1, names: 'a subcommand (export)' });
  if (args.values.help) {
    out(feedbackHelp);
    return 0;
  }
  if (args.positionals[0] !== 'export') throw new UsageError(`unknown subcommand "${args.positionals[0]}": use export (see \`textclass feedback --help\`)`);
  const outPath = requireFlag(args, 'feedback', 'out', 'file.csv');
  const dbFile = path.resolve(stringFlag(args, 'db') ?? (process.env.TEXTCLASS_DB || './textclass.sqlite'));
  if (!fs.existsSync(dbFile)) throw new UsageError(`${dbFile}: no such database (pass the server's --db)`);
  const storage = openStorage(dbFile);
  let count = 0;
  try {
    const toStdout = outPath === '-';
    const tmp = toStdout ? null : `${path.resolve(outPath)}.tmp-${process.pid}`;
    const fd = tmp ? fs.openSync(tmp, 'w') : 1;
    try {
      const write = (s: string) => (toStdout ? out(s) : fs.writeSync(fd, s));
      write(csvLine(['id', 'model', 'text', 'labels', 'predicted', 'comment', 'created_at']));
      for (const r of storage.feedback.rows(stringFlag(args, 'model'))) {
        write(csvLine([String(r.id), r.model, r.text, r.labels.join('|'), r.predicted ? r.predicted.join('|') : '', r.comment ?? '', r.created_at]));
        count++;
      }
      if (tmp) {
        fs.fsyncSync(fd);
        fs.closeSync(fd);
        fs.renameSync(tmp, path.resolve(outPath));
      }
    } catch (e) {
      if (tmp) {
        try {
          fs.closeSync(fd);
        } catch {
          /* already closed */
        }
        fs.rmSync(tmp, { force: true });
      }
      throw e;
    }
  } finally {
    storage.close();
  }
  if (outPath !== '-') process.stderr.write(`${count} feedback row${count === 1 ? '' : 's'} written to ${path.resolve(outPath)}\n`);
  return 0;
}
