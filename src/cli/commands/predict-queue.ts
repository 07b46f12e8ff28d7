import { parseQueueUrl } from '../../distributed/queue-url.js';
import { runDistributedScoring } from '../../distributed/coordinator.js';
import { UsageError } from '../../errors.js';
import { createProgressBar } from '../progress.js';
import { out } from '../output.js';

/** Help lines for `textclass predict` describing --queue (the lead pastes them into predictHelp). */
export const predictQueueHelp = `  --queue <url>        with --output: score on \`textclass worker\` processes through Redis
                       (redis://host:port[/db]); this process reads the input, enqueues chunks
                       and writes the output in order; --resume continues it after a crash
  --chunk-rows <n>     --queue: rows per job (default 5000)
`;

export interface PredictOnQueueOptions {
  modelDir: string;
  input: string | undefined;
  output: string;
  /** The --queue URL. */
  queue: string;
  resume: boolean;
  textField?: string;
  idField?: string;
  /** The --chunk-rows text, if given. */
  chunkRows?: string;
}

/**
 * `textclass predict <model> --input F --output O --queue redis://…`: the coordinator of a
 * distributed batch-scoring run, with a progress bar and the same summary line as local scoring.
 */
export async function predictOnQueue(options: PredictOnQueueOptions): Promise<number> {
  const { input, output } = options;
  if (input === undefined || input === '-') throw new UsageError('--queue needs --input <file> (standard input cannot be split into resumable chunks)');
  const address = parseQueueUrl(options.queue);
  let maxRows: number | undefined;
  if (options.chunkRows !== undefined) {
    maxRows = Number(options.chunkRows);
    if (!Number.isInteger(maxRows) || maxRows < 1) throw new UsageError(`--chunk-rows must be a positive integer, got "${options.chunkRows}"`);
  }
  const bar = createProgressBar();
  const started = performance.now();
  try {
    const result = await runDistributedScoring({
      address,
      input,
      output,
      modelDir: options.modelDir,
      resume: options.resume,
      ...(maxRows !== undefined ? { chunkLimits: { maxRows } } : {}),
      ...(options.textField !== undefined ? { textField: options.textField } : {}),
      ...(options.idField !== undefined ? { idField: options.idField } : {}),
      onNoWorkers: (message) => process.stderr.write(`\n${message}\n`),
      onProgress: ({ rowsWritten, totalRows }) => bar.update(`predict --queue (${Math.round(rowsWritten / ((performance.now() - started) / 1000))} texts/s)`, rowsWritten, totalRows ?? 0),
    });
    bar.done();
    const rate = (result.rows - result.resumedFrom) / Math.max(result.seconds, 1e-9);
    out(`scored ${result.rows} texts in ${result.chunks} chunks on the queue (run ${result.runId}${result.resumedFrom ? `, resumed after ${result.resumedFrom}` : ''}) in ${result.seconds.toFixed(1)}s (${Math.round(rate)} texts/s) → ${output}\n`);
  } finally {
    bar.done();
  }
  return 0;
}
