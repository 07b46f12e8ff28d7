import { TextclassError } from '../errors.js';

/**
 * A distributed run that cannot go on: Redis unreachable, a chunk that failed on every attempt,
 * a worker whose model is not the coordinator's. The message says what to do next.
 */
export class QueueError extends TextclassError {}
