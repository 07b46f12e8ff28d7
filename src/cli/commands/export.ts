import { UsageError } from '../../errors.js';
import { writeOnnxExport } from '../../export/export-onnx.js';
import { boolFlag, parseCommandArgs, requireFlag, stringFlag } from '../args.js';
import { out } from '../output.js';

export const exportHelp = `Usage: textclass export <modelDir> --format onnx --out <dir> [--json]

Writes a trained model as an ONNX graph that other runtimes (onnxruntime in Python, C++, C#,
Java, the browser) can run, and the recipe to compute its inputs:

  <dir>/model.onnx        the model: inputs feature_ids (int64 [batch, n]) and feature_values
                          (float32 [batch, n]), output probabilities (float32 [batch, labels]),
                          calibration included: the scores \`textclass predict\` prints
  <dir>/featurizer.json   how a text becomes (feature_ids, feature_values): normalization,
                          the token regex, n-grams, vocabulary or hashing, idf, L2 norm; plus
                          the labels and the decision rule (thresholds, "not sure" cut-off)

The text processing stays outside the graph: another runtime reproduces it from featurizer.json,
step by step (docs/export.md has the recipe and a worked example). In Node,
dist/export/featurize-for-onnx.js computes the inputs with textclass's own code.

Exportable model types: TF-IDF + logistic regression, linear SVM (with its Platt calibration),
naive Bayes, NB-SVM, and fastText-style models (softmax, one-vs-all, hierarchical softmax);
temperature and isotonic calibration are part of the graph. The ONNX file uses opset 17 (ONNX
IR 8; onnxruntime 1.14 or newer). Outputs agree with \`textclass predict\` to 1e-5.

The files appear together or not at all; an earlier export in <dir> is replaced, any other
non-empty directory is refused.

Options:
  --format onnx      the export format (only onnx)
  --out <dir>        the directory to write
  --json             print what was written as JSON
  -h, --help         show this help

Examples:
  textclass export models/starter --format onnx --out exports/starter
  textclass export models/imdb --format onnx --out exports/imdb --json
  python -c "import onnxruntime as rt; print([i.name for i in rt.InferenceSession('exports/starter/model.onnx').get_inputs()])"
`;

const FORMATS = ['onnx'];

export async function runExport(argv: string[]): Promise<number> {
  const args = parseCommandArgs('export', argv, { format: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } }, { min: 1, max: 1, names: 'the model directory' });
  if (args.values.help) {
    out(exportHelp);
    return 0;
  }
  const format = stringFlag(args, 'format');
  if (format === undefined) throw new UsageError('--format is required: --format onnx (see `textclass export --help`)');
  if (!FORMATS.includes(format)) throw new UsageError(`--format ${format}: unknown export format; formats: ${FORMATS.join(', ')} (see \`textclass export --help\`)`);
  const outDir = requireFlag(args, 'export', 'out', 'dir');
  const started = performance.now();
  const written = writeOnnxExport(args.positionals[0], outDir);
  const seconds = (performance.now() - started) / 1000;
  const spec = written.featurizer;
  if (boolFlag(args, 'json')) {
    out(JSON.stringify({ out: written.outDir, format, files: written.files, model_type: spec.model.type, task: spec.model.task, labels: spec.model.labels, calibration: spec.model.calibration, seconds: Math.round(seconds * 1000) / 1000 }) + '\n');
    return 0;
  }
  const files = written.files.map((f) => `${f.name} (${formatBytes(f.bytes)})`).join(', ');
  out(`exported ${spec.model.type} model "${spec.model.name}" (${spec.model.task}, ${spec.model.labels.length} labels${spec.model.calibration ? `, ${spec.model.calibration.replace(/ \(.*/, '')} calibration` : ''}) to ${outDir}: ${files}\n`);
  return 0;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
