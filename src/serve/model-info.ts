import type { ModelEntry } from './model-registry.js';

/** Headline dev metrics shown in model lists (the full reports stay in `metrics_full`). */
const HEADLINE = ['accuracy', 'balanced_accuracy', 'macro_f1', 'micro_f1', 'weighted_f1', 'samples_f1', 'roc_auc', 'average_precision', 'log_loss'];

export function modelSummary(entry: ModelEntry) {
  const m = entry.model.manifest;
  const dev = (m.metrics?.dev ?? null) as Record<string, unknown> | null;
  const metrics: Record<string, number> = {};
  if (dev) for (const k of HEADLINE) if (typeof dev[k] === 'number' && Number.isFinite(dev[k])) metrics[k] = dev[k] as number;
  return {
    id: entry.id,
    name: m.name,
    task: m.task as 'binary' | 'multiclass' | 'multilabel',
    labels: m.labels,
    model_type: m.model.type,
    created_at: m.createdAt,
    metrics,
    decision: m.decision as unknown as Record<string, unknown>,
    calibration: m.calibration ? m.calibration.method : null,
    has_report: entry.hasReport,
    /** Dialog models: which turn's label they give, how many previous turns they read and whether those are tagged by distance (POST /v1/dialog/forecast takes next_turn ones). */
    dialog: m.dialog ? { target: String(m.dialog.target), context_turns: Number(m.dialog.contextTurns), context_tags: m.dialog.contextTags === true } : null,
    /** Names of the groupings `predict` can show the labels through (`group`). */
    groupings: (m.groupings ?? []).map((g) => g.name),
  };
}

export function modelDetail(entry: ModelEntry) {
  const m = entry.model.manifest;
  const recipe = m.recipe as Record<string, unknown>;
  const data = (recipe.data ?? {}) as Record<string, unknown>;
  // Where the training files were on the training machine is nobody's business over HTTP.
  const { data_origin: _origin, ...training } = (m.training ?? {}) as Record<string, unknown>;
  return {
    ...modelSummary(entry),
    recipe: {
      name: recipe.name,
      description: recipe.description ?? null,
      data_format: data.format ?? null,
      model: recipe.model ?? null,
      features: recipe.features ?? null,
    },
    metrics_full: m.metrics,
    training,
    grouping_detail: (m.groupings ?? []).map((g) => ({ name: g.name, groups: g.groups, unmapped: g.unmapped })),
  };
}

function fmt(x: unknown): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(3) : 'n/a';
}

/** A short Markdown model card: what it predicts, from what data, how well, and its limits. */
export function modelCard(entry: ModelEntry): string {
  const m = entry.model.manifest;
  const recipe = m.recipe as Record<string, unknown>;
  const data = (recipe.data ?? {}) as Record<string, unknown>;
  const t = (m.training ?? {}) as Record<string, unknown>;
  const dev = (m.metrics?.dev ?? null) as Record<string, unknown> | null;
  const lines = [
    `# ${m.name}`,
    '',
    typeof recipe.description === 'string' ? recipe.description : `A ${m.task} text classifier.`,
    '',
    '## What it predicts',
    '',
    `${m.task === 'multilabel' ? 'Any number of' : 'One of'} ${m.labels.length} labels: ${m.labels.join(', ')}.`,
    m.decision.kind === 'thresholds'
      ? `A label is chosen when its score reaches its threshold (tuned on ${m.decision.tunedOn}); a text with none gets its top label.`
      : m.decision.abstainBelow !== undefined
        ? `The top label is chosen; below a top score of ${fmt(m.decision.abstainBelow)} the model answers "not sure".`
        : 'The top-scoring label is chosen.',
    '',
    '## Data',
    '',
    `Trained on ${t.train_rows ?? '?'} rows (${String(data.format ?? 'unknown')} format); ${t.dev_rows ?? 0} dev rows held out.`,
    '',
    '## Metrics (dev)',
    '',
    dev ? `accuracy ${fmt(dev.accuracy)}, macro-F1 ${fmt(dev.macro_f1)}, micro-F1 ${fmt(dev.micro_f1)}${dev.samples_f1 !== undefined ? `, samples-F1 ${fmt(dev.samples_f1)}` : ''}.` : 'No dev data was held out, so there are no measured metrics.',
    '',
    '## Limits',
    '',
    `A ${m.model.type} model over word or character n-grams: it sees words, not meaning, so sarcasm, negation across a sentence and topics absent from the training data are weak spots. Scores are ${m.calibration ? `calibrated (${m.calibration.method})` : 'not calibrated'}; judge them against the dev metrics above, not as certainties.`,
    '',
  ];
  return lines.join('\n');
}
