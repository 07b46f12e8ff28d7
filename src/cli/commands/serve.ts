import fs from 'node:fs';
import path from 'node:path';
import { loadExamples } from '../../data/dataset.js';
import { dataSpecOf, loadModel } from '../../persist/model-dir.js';
import { loadRecipe } from '../../recipe/load.js';
import { collectReportData } from '../../report/collect.js';
import { renderHtmlReport } from '../../report/html.js';
import { SETTINGS, resolveServeConfig } from '../../serve/config.js';
import { isValidModelId } from '../../serve/model-id.js';
import { startServer } from '../../serve/server.js';
import { trainFromRecipe } from '../../train/train.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { boolFlag, parseCommandArgs, stringFlag } from '../args.js';
import { out } from '../output.js';
import { PACKAGE_ROOT } from './starter.js';

export const serveHelp = `Usage: textclass serve [options]

Serves every model directory under the models folder over HTTP: a REST API (/v1, documented at
/docs and /openapi.json), a web page at /, health checks and Prometheus metrics. New model
versions written into the folder are loaded and swapped in without a restart; a corrupt one is
refused and the old version keeps serving. When the folder holds no model, the bundled starter
model is trained into it first (offline, a few seconds).

Options (flag, then environment variable, then default):
  --port <n>               TEXTCLASS_PORT            8080 (0 picks a free port)
  --host <addr>            TEXTCLASS_HOST            127.0.0.1 (a non-loopback address needs API keys)
  --models <dir>           TEXTCLASS_MODELS          ./models
  --db <file>              TEXTCLASS_DB              ./textclass.sqlite (keys, jobs, feedback)
  --runs-db <file>         TEXTCLASS_RUNS_DB         ./textclass-runs.sqlite (runs for the Runs view; read-only)
  --queue <url>            TEXTCLASS_QUEUE           off; redis://host:port[/db]: the Runs view shows the progress
                                                     of distributed batch runs and sweeps there
  --catalogs <dir>         TEXTCLASS_CATALOGS        ./data/catalog (catalogs for /v1/recommend; scores cached beside them)
  --max-texts <n>          TEXTCLASS_MAX_TEXTS       1000 texts per predict request
  --max-text-chars <n>     TEXTCLASS_MAX_TEXT_CHARS  100000 characters per text
  --long-texts <mode>      TEXTCLASS_LONG_TEXTS      refuse (413) or window (score overlapping windows)
  --body-limit <bytes>     TEXTCLASS_BODY_LIMIT      10MiB for JSON bodies
  --upload-limit <bytes>   TEXTCLASS_UPLOAD_LIMIT    1GiB for batch uploads
  --rate-limit <n>         TEXTCLASS_RATE_LIMIT      100 requests/s per key or address (0 = off)
  --cors <origin>          TEXTCLASS_CORS            off
  --log-predictions <days> TEXTCLASS_LOG_PREDICTIONS 0 = off; else keep a prediction log this long
  --job-retention-days <d> TEXTCLASS_JOB_RETENTION_DAYS 7: ended batch jobs (results too) are then deleted; 0 = keep
  --log-level <level>      TEXTCLASS_LOG_LEVEL       info (fatal, error, warn, info, debug, silent)
  --rescan-seconds <s>     TEXTCLASS_RESCAN_SECONDS  5 (the folder is also watched)
  --no-starter                                       do not train the starter model into an empty folder
  -h, --help                                         show this help

Auth: off only on a loopback address with no API key in the database. Create keys with
\`textclass keys create --scope read|admin\`.

Examples:
  textclass serve
  textclass serve --models models --port 9000 --rate-limit 0
  curl -s localhost:8080/v1/models/starter/predict -H 'content-type: application/json' \\
       -d '{"texts": ["I miss you so much already"]}'
`;

const FLAG_OPTIONS = Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: 'string' as const }]));

export async function runServe(argv: string[]): Promise<number> {
  const args = parseCommandArgs('serve', argv, { ...FLAG_OPTIONS, 'no-starter': { type: 'boolean' } }, { min: 0, max: 0, names: '' });
  if (args.values.help) {
    out(serveHelp);
    return 0;
  }
  const flags: Record<string, string | undefined> = {};
  for (const s of SETTINGS) flags[s.flag] = stringFlag(args, s.flag);
  const config = resolveServeConfig(flags);
  if (!boolFlag(args, 'no-starter') && !hasAnyModel(config.modelsDir)) await trainStarterInto(path.join(config.modelsDir, 'starter'));

  const server = await startServer(config, { webDir: path.join(PACKAGE_ROOT, 'web') });
  const shown = server.url;
  out(`textclass serving ${server.registry.size} model${server.registry.size === 1 ? '' : 's'} (${server.registry.list().map((e) => e.id).join(', ') || 'none yet'}) at ${shown}\n`);
  out(`  web page ${shown}/   API docs ${shown}/docs   stop with Ctrl-C\n`);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        // A second Ctrl-C: stop now. Running jobs resume from their last commit at the next start.
        process.exit(130);
      }
      stopping = true;
      server.app.log.info({ signal }, 'shutting down: finishing requests in flight');
      server.close().then(resolve, (e) => {
        process.stderr.write(`textclass serve: error while shutting down: ${(e as Error).message}\n`);
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

function hasAnyModel(modelsDir: string): boolean {
  let names: string[];
  try {
    names = fs.readdirSync(modelsDir);
  } catch {
    return false;
  }
  return names.some((n) => isValidModelId(n) && fs.existsSync(path.join(modelsDir, n, 'manifest.json')));
}

/** The offline first run: trains recipes/starter.yaml on the bundled data and writes its report beside it. */
export async function trainStarterInto(outDir: string): Promise<void> {
  process.stderr.write(`no model in ${path.dirname(outDir)}: training the bundled starter model into ${outDir} (offline, a few seconds)\n`);
  const recipe = loadRecipe(path.join(PACKAGE_ROOT, 'recipes', 'starter.yaml'));
  const dataDir = path.join(PACKAGE_ROOT, 'data');
  await trainFromRecipe({ recipe, dataDir, outDir });
  const model = loadModel(outDir);
  const devFile = path.join(dataDir, 'starter', 'dev.csv');
  const { examples } = await loadExamples(devFile, dataSpecOf(model.manifest), { onBadRow: 'error' });
  const data = await collectReportData(model, examples, { dataLabel: 'starter dev data (data/starter/dev.csv)', createdAt: new Date().toISOString() });
  writeFileAtomic(path.join(outDir, 'report.html'), renderHtmlReport(data));
}
