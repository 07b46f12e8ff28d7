// The shapes the API sends (docs/api.md), as JSDoc types for the page's modules and for
// `npx tsc -p web`. Nothing runs here.

/**
 * @typedef {{kind: 'argmax', abstainBelow?: number, abstainTarget?: number}
 *   | {kind: 'thresholds', thresholds: number[], tunedOn?: string, metric?: string, scope?: string, topK?: number}} Decision
 * @typedef {{id: string, name: string, task: 'binary'|'multiclass'|'multilabel', labels: string[],
 *   model_type: string, created_at: string, metrics: Record<string, number>, decision: Decision,
 *   calibration: 'temperature'|'isotonic'|null, has_report: boolean}} ModelSummary
 * @typedef {ModelSummary & {recipe?: Record<string, unknown>, metrics_full?: Record<string, unknown>,
 *   training?: Record<string, unknown>, card?: string}} ModelDetail
 * @typedef {{start: number, end: number, text: string, contribution: number}} TokenContribution
 * @typedef {{labels: string[], scores: Record<string, number>, not_sure?: boolean, tokens?: TokenContribution[]}} PredictResult
 * @typedef {{id: string, model: string, status: 'queued'|'running'|'done'|'failed', processed: number,
 *   total: number|null, error?: string, result_url?: string}} Job
 * @typedef {{id: number, command: 'train'|'tune'|'eval'|'cv', recipe: string|null, status: 'running'|'ok'|'failed',
 *   started_at: string, seconds: number|null, commit: string, seed: number|null,
 *   headline_metrics: Record<string, number>, sweep_url?: string}} RunSummary
 * @typedef {RunSummary & {metrics: Record<string, number>,
 *   recipe_summary: {name: string|null, description: string|null, task: string|null, model_type: string|null},
 *   resolved_recipe: unknown, argv: string[], data: {role: string, file: string, sha256: string, bytes: number, files: number}[],
 *   steps: {step: number, name: string, value: number}[], artifacts: Record<string, string>, error: string|null}} RunDetail
 * @typedef {{number: number, params: Record<string, unknown>, value: number|null,
 *   status: 'running'|'complete'|'pruned'|'failed', seconds: number|null, error?: string}} SweepTrial
 * @typedef {{run_id: number, status: 'running'|'ok'|'failed', journal: string, study: string, recipe: string, metric: string,
 *   direction: 'maximize'|'minimize', baseline: boolean, planned_trials: number|null, trials: SweepTrial[],
 *   best: {number: number, value: number, params: Record<string, unknown>}|null,
 *   importance: {parameter: string, importance: number}[]}} Sweep
 */

export {};
