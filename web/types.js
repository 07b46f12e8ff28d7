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
 */

export {};
