/**
 * Test support: runs `textclass <args>` in this process the way bin/textclass.js does, with
 * `tune` and `runs` dispatched here until src/cli/main.ts registers them (then main handles all).
 * Spawned by the tune and runs end-to-end tests: `node dist/tune/cli-shim.js tune …`.
 */
import { runRuns } from '../cli/commands/runs.js';
import { runTuneCommand } from '../cli/commands/tune.js';
import { main } from '../cli/main.js';
import { TextclassError } from '../errors.js';

const [command, ...rest] = process.argv.slice(2);
const own: Record<string, (argv: string[]) => Promise<number>> = { tune: runTuneCommand, runs: runRuns };
const run = own[command];
if (!run) {
  process.exitCode = await main(process.argv.slice(2));
} else {
  try {
    process.exitCode = await run(rest);
  } catch (e) {
    if (!(e instanceof TextclassError)) throw e;
    process.stderr.write(`textclass ${command}: ${e.message}\n`);
    process.exitCode = e.exitCode;
  }
}
