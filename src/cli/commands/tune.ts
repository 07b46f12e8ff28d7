import os from 'node:os';
import path from 'node:path';
import { parseQueueUrl } from '../../distributed/queue-url.js';
import { queueTrialRunner } from '../../distributed/tune-coordinator.js';
import { RecipeError, UsageError } from '../../errors.js';
import { applyOverride, parseRecipe, readRecipeFile } from '../../recipe/load.js';
import { tuneSchema, type TuneSection } from '../../recipe/schema.js';
import { recipeDataPaths } from '../../track/commands.js';
import { numericMetrics, tracked, trackingChoice, TRACKING_FLAGS, TRACKING_HELP } from '../../track/record.js';
import { writeBestRecipe } from '../../tune/best-recipe.js';
import { parameterImportance } from '../../tune/importance.js';
import { describeParams } from '../../tune/space.js';
import { plannedTrials, runTune, studyIdOf, type TrialEvent, type TuneResult } from '../../tune/tune.js';
import { completeRawRecipe } from '../../train/complete-recipe.js';
import { boolFlag, listFlag, parseCommandArgs, stringFlag, type ParsedCommand } from '../args.js';
import { out } from '../output.js';
import { badRowFlag, defaultDataDir } from './train.js';

export const tuneHelp = `Usage: textclass tune <recipe> [options]

Hyperparameter sweep over the search space in the recipe's \`tune:\` section (see docs/recipes.md):
each trial trains the recipe with sampled values and scores it on the dev data; the best recipe is
written as YAML. Trials run in worker threads; every trial is journaled in SQLite, so rerunning
the same command after a crash or Ctrl-C skips the trials already finished. The run is recorded
with its journal and the trials it plans, so \`textclass runs show <id>\` and the Runs view of
\`textclass serve\` follow it while it runs ("7 of 13 trials").

Early stopping (median pruning): each trial is first fitted on a seeded, per-label fraction of
the training rows (tune.pruning.fraction, default 0.3) and scored on dev; once
tune.pruning.warmup_trials trials have such a score, a trial below their median stops there.
This works the same for every model type.

Distributed (--queue redis://host:port): trials run as jobs on any number of
\`textclass worker --queue … --data-dir <data>\` processes, on this machine or others. This process
stays the coordinator: it samples the values (TPE sees every finished trial), keeps --parallel
trials in flight, journals each trial (a crashed coordinator resumes with the same command, taking
trials the workers finished meanwhile from Redis) and records the sweep like a local one. Each job
carries the trial's complete recipe and the sha256 of the data files; a worker whose files differ
refuses the trial and the sweep stops, naming the file. A worker that dies mid-trial loses nothing:
another worker reruns the trial once its lock expires (see \`textclass worker --help\`), and a
trial stored twice counts once. Pruning is decided by the worker, by the same median rule, against
the values the sweep's other trials reported to Redis. Progress shows in \`textclass serve
--queue …\`'s Runs view. See docs/distributed.md.

Options:
  --metric <name>      dev metric to optimize (default: tune.metric, balanced_accuracy)
  --direction <d>      maximize or minimize (default: minimize for losses, else maximize)
  --trials <n>         number of trials, besides the baseline (default: tune.trials)
  --strategy <s>       tpe, random or grid (default: tune.strategy, tpe)
  --seed <n>           sampler seed (default: tune.seed)
  --parallel <p>       trials at once, each in its own thread (default 1); with --queue, trials in
                       flight on the workers (default: the workers connected at the start, at least 2)
  --queue <url>        run the trials on \`textclass worker\` processes through Redis:
                       redis://host:port[/db]
  --out <file>         best recipe (default: <recipe>-tuned.yaml beside the recipe)
  --journal <file>     trial journal (default: <out>.journal.sqlite)
  --no-pruning         run every trial on all training rows
  --no-baseline        do not run the recipe as written as trial 0
  --data-dir <dir>     base folder for the recipe's data paths (default: $TEXTCLASS_DATA_DIR, else ./data)
  --set key=value      override a recipe field, repeatable (value read as YAML)
  --on-bad-row <p>     error or skip malformed rows (default: the recipe's data.on_bad_row)
  --json               print one JSON object with every trial and the best one
${TRACKING_HELP}  -h, --help           show this help

Examples:
  textclass tune recipes/starter.yaml --data-dir data --trials 20 --strategy tpe
  textclass tune recipes/dailydialog-next.yaml --data-dir ../shared/datasets --parallel 2 \\
    --out recipes/dailydialog-next-tuned.yaml
  textclass tune recipes/starter.yaml --data-dir data --trials 12 --queue redis://10.0.0.5:6379
    (with \`textclass worker --queue redis://10.0.0.5:6379 --data-dir data\` on each machine)
`;

export async function runTuneCommand(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    'tune',
    argv,
    {
      metric: { type: 'string' },
      direction: { type: 'string' },
      trials: { type: 'string' },
      strategy: { type: 'string' },
      seed: { type: 'string' },
      parallel: { type: 'string' },
      out: { type: 'string' },
      journal: { type: 'string' },
      'no-pruning': { type: 'boolean' },
      'no-baseline': { type: 'boolean' },
      'data-dir': { type: 'string' },
      set: { type: 'string', multiple: true },
      'on-bad-row': { type: 'string' },
      json: { type: 'boolean' },
      queue: { type: 'string' },
      ...TRACKING_FLAGS,
    },
    { min: 1, max: 1, names: 'the recipe file' },
  );
  if (args.values.help) {
    out(tuneHelp);
    return 0;
  }
  const recipeFile = args.positionals[0];
  const baseRaw = readRawRecipe(recipeFile, listFlag(args, 'set'));
  for (const line of await completeRawRecipe(baseRaw, recipeFile, defaultDataDir(stringFlag(args, 'data-dir')), { onBadRow: badRowFlag(stringFlag(args, 'on-bad-row')) })) process.stderr.write(`recipe: ${line}\n`);
  const recipe = parseRecipe(baseRaw, [], recipeFile);
  if (!recipe.tune) throw new RecipeError('tune: the recipe has no tune section; add tune.space with the parameters to search (see docs/recipes.md)', recipeFile);
  const tune = tuneWithFlags(recipe.tune, args);
  const queueUrl = stringFlag(args, 'queue');
  const address = queueUrl === undefined ? undefined : parseQueueUrl(queueUrl);
  // Threads are bounded by this machine's cores; trials on a queue by what the workers can take.
  const parallel = address === undefined ? intFlag(args, 'parallel', 1, 1, Math.max(1, os.availableParallelism())) : stringFlag(args, 'parallel') === undefined ? undefined : intFlag(args, 'parallel', 2, 1, 1000);
  const outFile = path.resolve(stringFlag(args, 'out') ?? defaultOut(recipeFile));
  const journalPath = path.resolve(stringFlag(args, 'journal') ?? outFile.replace(/\.(ya?ml|json)$/, '') + '.journal.sqlite');
  const dataDir = defaultDataDir(stringFlag(args, 'data-dir'));
  const json = boolFlag(args, 'json');
  const onBadRow = badRowFlag(stringFlag(args, 'on-bad-row'));
  const dataPaths = recipeDataPaths(recipe, dataDir);
  const baseline = !boolFlag(args, 'no-baseline');
  // The journal and the sweep's study in it are recorded when the run starts, so the Runs view
  // of `textclass serve` can show the trials while the sweep runs.
  const liveArtifacts = { journal: journalPath, study: studyIdOf({ baseRaw, tune, dataDir, onBadRow, baseline }) };

  const result = await tracked(
    trackingChoice(args),
    { command: 'tune', recipeName: recipe.name, recipe, seed: tune.seed, argv, artifacts: liveArtifacts, plannedTrials: plannedOrNull({ baseRaw, tune, source: recipeFile, baseline }) },
    () =>
      runTune({
        baseRaw,
        tune,
        source: recipeFile,
        dataDir,
        onBadRow,
        parallel: parallel ?? 1,
        journalPath,
        baseline,
        onTrial: json ? undefined : (e) => printTrial(e, tune.metric),
        ...(address !== undefined
          ? {
              runner: queueTrialRunner({
                address,
                lanes: parallel,
                dataDir,
                ...(onBadRow !== undefined ? { onBadRow } : {}),
                tune,
                onNoWorkers: (message) => process.stderr.write(`textclass tune: ${message}\n`),
              }),
            }
          : {}),
      }),
    (r) => ({
      metrics: {
        ...(r.best?.value != null ? { [`best_${tune.metric}`]: r.best.value } : {}),
        ...(r.baseline?.value != null ? { [`baseline_${tune.metric}`]: r.baseline.value } : {}),
        ...numericMetrics(r.best?.metrics, 'best_trial_'),
        trials: r.trials.length,
        pruned: r.trials.filter((t) => t.state === 'pruned').length,
        failed: r.trials.filter((t) => t.state === 'failed').length,
      },
      steps: r.trials.filter((t) => t.value !== null).map((t) => ({ step: t.number, name: t.state === 'pruned' ? `${tune.metric}@${tune.pruning.fraction}` : tune.metric, value: t.value! })),
      artifacts: { ...liveArtifacts, best_recipe: outFile },
      data: dataPaths,
    }),
    { data: dataPaths },
  );
  if (result.best) writeBestRecipe(outFile, result, { source: recipeFile, metric: tune.metric, strategy: tune.strategy, command: `textclass tune ${argv.join(' ')}` });
  if (json) {
    out(JSON.stringify({ study: result.studyId, metric: tune.metric, direction: result.direction, best: result.best, baseline: result.baseline, reused: result.reused, seconds: result.seconds, importance: parameterImportance(result.trials), out: result.best ? outFile : null, trials: result.trials }) + '\n');
  } else {
    printSummary(result, tune.metric, outFile, journalPath);
  }
  if (!result.best) {
    const firstError = result.trials.find((t) => t.error)?.error;
    process.stderr.write(`textclass tune: no trial completed${firstError ? `; first error: ${firstError}` : ''}\n`);
    return 1;
  }
  return 0;
}

/**
 * The trials the sweep plans, recorded with the run so that readers can say "7 of 13 trials". A
 * search space that cannot be applied is not reported here: runTune throws the same error inside
 * the tracked run, which records the failure. Null then (the run fails before its first trial).
 */
function plannedOrNull(opts: Parameters<typeof plannedTrials>[0]): number | null {
  try {
    return plannedTrials(opts);
  } catch {
    return null;
  }
}

/** The recipe file as a plain object with the --set overrides applied (values read as YAML). */
function readRawRecipe(file: string, overrides: readonly string[]): Record<string, unknown> {
  const raw = readRecipeFile(file);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new RecipeError('a recipe must be a mapping of keys to values', file);
  const obj = raw as Record<string, unknown>;
  for (const o of overrides) applyOverride(obj, o);
  return obj;
}

function defaultOut(recipeFile: string): string {
  const ext = path.extname(recipeFile);
  return path.join(path.dirname(recipeFile), `${path.basename(recipeFile, ext)}-tuned.yaml`);
}

function intFlag(args: ParsedCommand, name: string, fallback: number, min: number, max: number): number {
  const v = stringFlag(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${v}"`);
  return n;
}

function tuneWithFlags(tune: TuneSection, args: ParsedCommand): TuneSection {
  const merged: Record<string, unknown> = { ...tune };
  for (const name of ['metric', 'direction', 'strategy'] as const) {
    const v = stringFlag(args, name);
    if (v !== undefined) merged[name] = v;
  }
  for (const name of ['trials', 'seed'] as const) {
    const v = stringFlag(args, name);
    if (v !== undefined) merged[name] = Number(v);
  }
  if (boolFlag(args, 'no-pruning')) merged.pruning = { ...tune.pruning, kind: 'none' };
  const parsed = tuneSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue.path[0] ?? '');
    throw new UsageError(`--${field}: ${issue.message} (got ${JSON.stringify(merged[field])})`);
  }
  return parsed.data;
}

function fmtValue(v: number | null): string {
  return v === null ? '   n/a' : v.toFixed(4);
}

function printTrial(e: TrialEvent, metric: string): void {
  if (e.kind === 'start') {
    if (e.resumed) out(`trial ${e.number}: rerunning (it was running when the last sweep stopped)\n`);
    return;
  }
  const t = e.trial;
  const what = t.number === 0 && Object.keys(t.params).length === 0 ? 'the recipe as written' : describeParams(t.params);
  const state =
    t.state === 'complete'
      ? `${metric} ${fmtValue(t.value)}`
      : t.state === 'pruned'
        ? `pruned: ${fmtValue(t.value)} on part of the data, median ${fmtValue(e.prunedAgainst ?? null)}`
        : `failed: ${t.error}`;
  out(`trial ${String(t.number).padStart(3)}/${e.total}  ${state}  (${(t.seconds ?? 0).toFixed(1)}s)  ${what}\n`);
}

function printSummary(r: TuneResult, metric: string, outFile: string, journalPath: string): void {
  const count = (s: string) => r.trials.filter((t) => t.state === s).length;
  out(`\n${r.trials.length} trials (${count('complete')} complete, ${count('pruned')} pruned, ${count('failed')} failed${r.reused ? `, ${r.reused} reused from the journal` : ''}) in ${r.seconds.toFixed(1)}s\n`);
  if (r.baseline) out(`the recipe as written: dev ${metric} ${fmtValue(r.baseline.value)}\n`);
  if (r.best) {
    out(`best: trial ${r.best.number}, dev ${metric} ${fmtValue(r.best.value)}  ${describeParams(r.best.params)}\n`);
    const importance = Object.entries(parameterImportance(r.trials)).filter(([, v]) => v > 0);
    if (importance.length > 1) out(`parameter importance (share of the spread of dev ${metric} over complete trials): ${importance.map(([k, v]) => `${k} ${(v * 100).toFixed(0)}%`).join(', ')}\n`);
    out(`best recipe written to ${outFile}\n`);
  }
  out(`journal: ${journalPath} (rerun the same command to resume or extend with --trials)\n`);
}
