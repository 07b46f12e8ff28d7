import { common, err, json } from '../openapi.js';
import { distributedRun, distributedRunsResponse } from './distributed.js';

/** The distributed-progress routes of the OpenAPI document (spread into its `paths`; called, never at import, as the two modules import each other). */
export function distributedPaths(): Record<string, unknown> {
  const read = [{ bearer: [] }, { apiKey: [] }];
  return {
    '/v1/distributed/runs': {
      get: {
        summary: 'Distributed batch-scoring runs and sweeps on the queue, newest first, with their progress',
        description:
          'Read from the Redis given to `serve --queue`: chunks (batch) or trials (sweep) done of the total, rows, the workers seen, retries, elapsed time and an estimate of the time left. A server started without --queue answers enabled: false and a message saying how to turn it on.',
        security: read,
        responses: { '200': json(distributedRunsResponse, 'the runs Redis knows (the 20 newest of each kind)'), '503': err('Redis cannot be reached'), ...common },
      },
    },
    '/v1/distributed/runs/{id}': {
      get: {
        summary: "One distributed run's progress",
        security: read,
        parameters: [{ name: 'id', in: 'path', required: true, description: 'the run id `predict --queue` prints, or a sweep id', schema: { type: 'string' } }],
        responses: { '200': json(distributedRun, 'the run'), '404': err('no such run, or the server was started without --queue'), '503': err('Redis cannot be reached'), ...common },
      },
    },
  };
}
