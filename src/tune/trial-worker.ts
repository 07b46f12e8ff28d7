import { parentPort } from 'node:worker_threads';
import { parseRecipe } from '../recipe/load.js';
import { PreparedDataCache, scoreTrial } from './objective.js';
import type { FromWorker, ToWorker } from './protocol.js';

/**
 * One trial runner thread. It reads and prepares the data itself (cached by the fields that
 * change preparation), so the main thread never holds or copies the training rows; it asks the
 * main thread whether to go on after scoring a trial on the pruning fraction.
 */
const port = parentPort!;
const cache = new PreparedDataCache(2);
let pendingDecision: ((prune: boolean) => void) | null = null;

function send(message: FromWorker): void {
  port.postMessage(message);
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'decision') {
    pendingDecision?.(message.prune);
    pendingDecision = null;
    return;
  }
  void runTrial(message);
});

async function runTrial(job: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const recipe = parseRecipe(job.raw, [], `trial ${job.number}`);
    const data = await cache.get(recipe, job.dataDir, job.onBadRow);
    if (job.pruneFraction !== null) {
      const early = await scoreTrial(recipe, data, job.metric, job.pruneFraction);
      const decided = new Promise<boolean>((resolve) => (pendingDecision = resolve));
      send({ type: 'intermediate', number: job.number, value: early.value });
      if (await decided) {
        send({ type: 'done', number: job.number, state: 'pruned', value: early.value, metrics: early.metrics, seconds: seconds() });
        return;
      }
    }
    const full = await scoreTrial(recipe, data, job.metric);
    send({ type: 'done', number: job.number, state: 'complete', value: full.value, metrics: full.metrics, seconds: seconds() });
  } catch (e) {
    send({ type: 'done', number: job.number, state: 'failed', value: null, seconds: seconds(), error: (e as Error).message ?? String(e) });
  }
}
