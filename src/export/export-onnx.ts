import fs from 'node:fs';
import path from 'node:path';
import { ModelFormatError, UsageError } from '../errors.js';
import type { Task } from '../data/targets.js';
import { loadModel, type LoadedModel } from '../persist/model-dir.js';
import { writeDirectoryAtomic, writeFileSynced } from '../util/atomic-file.js';
import { TEXTCLASS_VERSION } from '../version.js';
import { appendCalibration } from './calibration-graph.js';
import { buildFeaturizerSpec, type FeaturizerSpec } from './featurizer-spec.js';
import { FEATURE_IDS, FEATURE_VALUES, PROBABILITIES } from './graph-parts.js';
import { EXPORTABLE, modelGraph } from './model-graphs.js';
import { DataType, encodeModel, GraphBuilder, ModelTooLargeError } from './onnx-model.js';

export const ONNX_FILE = 'model.onnx';
export const FEATURIZER_FILE = 'featurizer.json';

export interface OnnxExport {
  /** The bytes of model.onnx. */
  onnx: Uint8Array;
  featurizer: FeaturizerSpec;
}

/**
 * The ONNX graph and featurizer spec of a loaded model: the model's own graph, then its
 * calibration map when the manifest has one, so the output is what `predictProba` returns.
 */
export function exportOnnx(model: LoadedModel): OnnxExport {
  const { manifest, rawClassifier } = model;
  // Checked on the manifest first: other types' toState may need files (ONNX models) or sub-models (routing tiers).
  for (const type of [manifest.model.type, rawClassifier.type]) {
    if (!(type in EXPORTABLE)) {
      throw new ModelFormatError(model.dir, `model type "${type}" cannot be exported to ONNX; exportable types: ${Object.keys(EXPORTABLE).join(', ')}`);
    }
  }
  const state = rawClassifier.toState();
  const task = manifest.task as Task;
  const K = manifest.labels.length;
  const g = new GraphBuilder(`textclass_${state.type.replace(/\W/g, '_')}`);
  g.reserve(FEATURE_IDS);
  g.reserve(FEATURE_VALUES);
  let proba = modelGraph(g, state, task);
  if (manifest.calibration) proba = appendCalibration(g, proba, manifest.calibration, task, K);
  g.op('Cast', [proba], { to: { kind: 'int', value: DataType.FLOAT } }, PROBABILITIES);
  const featurizer = buildFeaturizerSpec(manifest, state, ONNX_FILE);
  const onnx = encodeOrExplain(model.dir, () => encodeModel(
    g,
    [
      { name: FEATURE_IDS, type: DataType.INT64, shape: ['batch', 'n'], doc: 'feature ids per text (featurizer.json), padded with 0' },
      { name: FEATURE_VALUES, type: DataType.FLOAT, shape: ['batch', 'n'], doc: 'feature values, padded with 0' },
    ],
    [{ name: PROBABILITIES, type: DataType.FLOAT, shape: ['batch', K], doc: `scores of ${manifest.labels.join(', ')}` }],
    {
      producerName: 'textclass',
      producerVersion: TEXTCLASS_VERSION,
      docString: `textclass ${state.type} model "${manifest.name}" (${task}); inputs come from ${FEATURIZER_FILE}`,
      metadata: {
        labels: JSON.stringify(manifest.labels),
        task,
        model_type: state.type,
        featurizer: FEATURIZER_FILE,
        calibration: manifest.calibration?.method ?? 'none',
      },
    },
  ));
  return { onnx, featurizer };
}

function encodeOrExplain(dir: string, encode: () => Uint8Array): Uint8Array {
  try {
    return encode();
  } catch (e) {
    // fastText models with millions of used buckets at a large dim are the ones that get here.
    if (e instanceof ModelTooLargeError) throw new ModelFormatError(dir, `cannot be exported to ONNX: ${e.message}; train with fewer buckets, a smaller dim or a higher min_count`);
    throw e;
  }
}

export interface WrittenExport {
  outDir: string;
  files: { name: string; bytes: number }[];
  featurizer: FeaturizerSpec;
}

/**
 * Exports the model in `modelDir` into `outDir` (model.onnx + featurizer.json). The files are
 * written into a temporary sibling directory renamed into place, so `outDir` holds either the
 * previous export or the whole new one.
 */
export function writeOnnxExport(modelDir: string, outDir: string): WrittenExport {
  const exported = exportOnnx(loadModel(modelDir));
  const target = path.resolve(outDir);
  if (fs.existsSync(target)) {
    if (!fs.statSync(target).isDirectory()) throw new UsageError(`--out ${outDir}: exists and is not a directory`);
    const entries = fs.readdirSync(target);
    if (entries.length > 0 && !entries.includes(FEATURIZER_FILE)) {
      throw new UsageError(`--out ${outDir}: exists, is not empty and is not an earlier export (no ${FEATURIZER_FILE}); refusing to replace it`);
    }
  }
  const json = Buffer.from(JSON.stringify(exported.featurizer) + '\n');
  writeDirectoryAtomic(target, (tmp) => {
    writeFileSynced(path.join(tmp, ONNX_FILE), exported.onnx);
    writeFileSynced(path.join(tmp, FEATURIZER_FILE), json);
  });
  return {
    outDir: target,
    files: [
      { name: ONNX_FILE, bytes: exported.onnx.length },
      { name: FEATURIZER_FILE, bytes: json.length },
    ],
    featurizer: exported.featurizer,
  };
}

