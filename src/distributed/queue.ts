/**
 * The BullMQ queue every textclass job goes through, and the job options that make a chunk survive
 * a dying worker: several attempts with exponential backoff for failures, and stalled-job recovery
 * (a worker that stops renewing its lock, killed or frozen, has its job moved back to waiting and
 * picked up by another worker).
 */
import { Queue, type JobsOptions } from 'bullmq';
import { bullmqConnection, type QueueAddress } from './queue-url.js';

/** One queue for all job kinds; the job's name says which kind it is (see job-kinds.ts). */
export const QUEUE_NAME = 'textclass';

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  // Results live in textclass's own keys; a finished job has nothing left to say.
  removeOnComplete: true,
  // Failed jobs stay a week so `why did chunk 12 fail` has an answer (and the coordinator sees it).
  removeOnFail: { age: 7 * 24 * 3600 },
};

export function openQueue(address: QueueAddress, name = QUEUE_NAME): Queue {
  const queue = new Queue(name, { connection: bullmqConnection(address), defaultJobOptions: DEFAULT_JOB_OPTIONS });
  // Connection errors surface on the awaited calls; the event would otherwise be unhandled noise.
  queue.on('error', () => {});
  return queue;
}

/**
 * The BullMQ job id of a unit of work: the same (run, index) always maps to the same id, so adding a
 * job that is already waiting or running is a no-op instead of a duplicate. (BullMQ ids may not
 * contain ':'.)
 */
export function jobIdFor(runId: string, index: number): string {
  return `${runId}-${index}`;
}
