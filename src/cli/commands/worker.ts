import { UsageError } from '../../errors.js';
import { parseQueueUrl } from '../../distributed/queue-url.js';
import { startWorker } from '../../distributed/worker.js';
import { parseCommandArgs, requireFlag, stringFlag } from '../args.js';
import { out } from '../output.js';
import { defaultDataDir } from './train.js';

export const workerHelp = `Usage: textclass worker --queue redis://host:port[/db] [--concurrency n] [--models-dir dir] [--data-dir dir]

Runs distributed jobs from a Redis queue until stopped: the chunks of
\`textclass predict <model> --input big.csv --output out.csv --queue redis://…\` and the trials of
\`textclass tune <recipe> --queue redis://…\`. Start as many workers as you like, on any machines
that reach Redis.

Data (tuning trials): a trial reads the recipe's data paths under --data-dir. Each job carries the
sha256 of the coordinator's data files; when a file here is missing or differs, the worker refuses
the trial, saying which file, and the sweep stops (every worker must score the same data).
A trial runs in a thread of its own, so the job's lock is renewed however long training takes.

Models: a job names the coordinator's model by its absolute path and directory name. The worker
looks in --models-dir for a directory of that name first, then at the same path as on the
coordinator (a shared disk or the same layout). The model found must be the very version the
coordinator uses (its manifest's createdAt): otherwise the chunk fails at once, saying which copies
differ, and the coordinator stops.

A worker that dies (killed, machine down) loses nothing: its job's lock expires and another worker
takes the chunk over; a chunk done twice is stored once. SIGTERM or Ctrl-C stops taking jobs and
finishes the current one; a second signal quits at once (the chunk goes back to the queue when its
lock expires).

Options:
  --queue <url>          Redis to take jobs from: redis://host:port[/db]
  --concurrency <n>      jobs at the same time in this process (default 1; scoring is CPU-bound,
                         so start one worker per core instead)
  --models-dir <dir>     where to look for models by directory name
  --data-dir <dir>       base folder for recipes' data paths (default: $TEXTCLASS_DATA_DIR, else
                         ./data)
  --lock-duration <ms>   how long a job stays claimed without a sign of life from its worker
                         (default 30000): a dead worker's chunk or trial is retried by another
                         worker after one to two times this (the lock is renewed every half of it;
                         the stalled-job check runs every this long on every worker). Shorter gets
                         a dead worker's job back sooner; too short for a machine under load
                         (event-loop pauses beyond it) makes a live worker's job run twice, which
                         is harmless (results are stored once) but wasted work
  -h, --help             show this help

Examples:
  textclass worker --queue redis://10.0.0.5:6379
  textclass worker --queue redis://10.0.0.5:6379/2 --models-dir /srv/models
  textclass worker --queue redis://10.0.0.5:6379 --data-dir /srv/textclass-data
`;

export async function runWorker(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    'worker',
    argv,
    { queue: { type: 'string' }, concurrency: { type: 'string' }, 'models-dir': { type: 'string' }, 'data-dir': { type: 'string' }, 'lock-duration': { type: 'string' } },
    { min: 0, max: 0, names: '' },
  );
  if (args.values.help) {
    out(workerHelp);
    return 0;
  }
  const address = parseQueueUrl(requireFlag(args, 'worker', 'queue', 'redis://host:port'));
  const concurrency = positiveInteger(args, 'concurrency', 1);
  const lockDurationMs = positiveInteger(args, 'lock-duration', 30_000);
  const modelsDir = stringFlag(args, 'models-dir');
  // Tests slow jobs down to kill a worker mid-chunk for sure; not a user option.
  const sliceDelayMs = Number(process.env.TEXTCLASS_WORKER_SLICE_DELAY_MS ?? 0) || 0;
  const dataDir = defaultDataDir(stringFlag(args, 'data-dir'));
  const worker = await startWorker({ address, concurrency, lockDurationMs, sliceDelayMs, dataDir, ...(modelsDir !== undefined ? { modelsDir } : {}) });
  await worker.ready;
  await new Promise<void>((resolve) => {
    let signals = 0;
    const stop = (signal: NodeJS.Signals): void => {
      signals++;
      if (signals === 1) {
        out(`${signal}: finishing the current job, then stopping (send it again to quit now)\n`);
        worker.close(false).then(resolve, resolve);
      } else {
        out(`${signal}: quitting now; the running job returns to the queue when its lock expires\n`);
        // A job mid-computation would keep the process alive; leaving is the point of a second signal.
        void worker.close(true).finally(() => process.exit(130));
      }
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  out('worker stopped\n');
  return 0;
}

function positiveInteger(args: ReturnType<typeof parseCommandArgs>, name: string, fallback: number): number {
  const text = stringFlag(args, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got "${text}"`);
  return n;
}
