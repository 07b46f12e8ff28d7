import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ModelFormatError } from '../errors.js';
import { CalibratedClassifier } from '../calibration/calibrated-classifier.js';
import type { CalibrationState } from '../calibration/calibrator.js';
import type { DataSpec } from '../data/dataset.js';
import type { Classifier, ModelState } from '../models/classifier.js';
import { restoreClassifier } from '../models/registry.js';
import type { RoutingSection } from '../usecases/routing/routing-section.js';
import type { Grouping } from '../usecases/emotions/grouping.js';
import { ratingSectionOf, type RatingSection } from '../usecases/rating/rating-section.js';
import { writeDirectoryAtomic, writeFileSynced } from '../util/atomic-file.js';

/**
 * A model on disk is a directory: `manifest.json` plus one little-endian binary file per weight
 * array. The manifest records each file's dtype, length and sha256, so a truncated or edited file
 * is refused at load instead of producing wrong predictions.
 */
export const MODEL_FORMAT = 'textclass-model';
export const MODEL_FORMAT_VERSION = 1;

type ArrayDtype = 'float32' | 'float64' | 'int32' | 'uint32' | 'uint8';

export interface WeightFile {
  file: string;
  dtype: ArrayDtype;
  length: number;
  sha256: string;
}

/** The manifest fields owned by the caller (training): everything but the model state and files. */
export interface ManifestBody {
  name: string;
  task: string;
  labels: string[];
  /** How to read data files of the training format (reader config), so `eval` needs no recipe. */
  reader: Record<string, unknown>;
  /** Dialog readers: which turn's label is the target and how much context the text carries. */
  dialog?: Record<string, unknown>;
  /** Label rules resolved on the training data (merge, drop, rare classes), applied to every file read. */
  labelMap?: Record<string, unknown>;
  /** How scores become labels. */
  decision: Decision;
  /** Post-hoc probability calibration fitted on held-out data; applied to every score the model gives. */
  calibration?: CalibrationState & { fittedOn: 'dev' | 'cv' };
  /** Named groupings of the labels (Ekman, sentiment, …) that predictions can be shown through. */
  groupings?: Grouping[];
  /** Review → 1–10 stars: the map from the positive probability, learnt on out-of-fold scores (src/usecases/rating). */
  rating?: RatingSection;
  /** Ticket routing over hierarchical labels: tiers, the "send to a person" threshold, dev curve (src/usecases/routing). */
  routing?: RoutingSection;
  recipe: Record<string, unknown>;
  metrics: Record<string, unknown>;
  training: Record<string, unknown>;
}

export type Decision =
  | {
      kind: 'argmax';
      /** Single-label "not sure": a text whose top probability is below this gets no label. */
      abstainBelow?: number;
      /** The answered-accuracy target `abstainBelow` was tuned for, when it was tuned. */
      abstainTarget?: number;
    }
  | {
      kind: 'thresholds';
      /** One per label (a global threshold repeats one value). */
      thresholds: number[];
      tunedOn: 'dev' | 'cv' | 'none';
      /** What the tuning maximised: per label `f1` / `f<beta>`, or a global metric. */
      metric?: string;
      scope?: 'per_label' | 'global';
      /** At most this many labels per text. */
      topK?: number;
    };

export interface Manifest extends ManifestBody {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  createdAt: string;
  textclassVersion: string;
  model: { type: string; config: Record<string, unknown> };
  files: Record<string, WeightFile>;
}

export interface LoadedModel {
  dir: string;
  manifest: Manifest;
  /** The model as its users see it: calibrated when the manifest has a calibration. */
  classifier: Classifier;
  /** The trained weights' own scores, before calibration (the same object when there is none). */
  rawClassifier: Classifier;
}

const DTYPES: Record<ArrayDtype, { ctor: new (buf: ArrayBuffer) => ModelState['arrays'][string]; bytes: number }> = {
  float32: { ctor: Float32Array, bytes: 4 },
  float64: { ctor: Float64Array, bytes: 8 },
  int32: { ctor: Int32Array, bytes: 4 },
  uint32: { ctor: Uint32Array, bytes: 4 },
  uint8: { ctor: Uint8Array, bytes: 1 },
};

function dtypeOf(a: ModelState['arrays'][string]): ArrayDtype {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint32Array) return 'uint32';
  return 'uint8';
}

/**
 * Writes the model into `dir` atomically: everything goes to a temporary sibling directory that is
 * renamed into place, so readers (and a server hot-reloading) never see a half-written model.
 */
export function saveModel(dir: string, classifier: Classifier, body: ManifestBody, textclassVersion: string): Manifest {
  // A calibrated model stores its inner weights; the map itself is `body.calibration`.
  const target = path.resolve(dir);
  const state = (classifier instanceof CalibratedClassifier ? classifier.inner : classifier).toState(target);
  return writeDirectoryAtomic(target, (tmp) => {
    const files: Record<string, WeightFile> = {};
    for (const [name, array] of Object.entries(state.arrays)) {
      const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      const file = `${name}.bin`;
      writeFileSynced(path.join(tmp, file), bytes);
      files[name] = { file, dtype: dtypeOf(array), length: array.length, sha256: sha256(bytes) };
    }
    const manifest: Manifest = {
      format: MODEL_FORMAT,
      formatVersion: MODEL_FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      textclassVersion,
      ...body,
      model: { type: state.type, config: state.config },
      files,
    };
    writeFileSynced(path.join(tmp, 'manifest.json'), Buffer.from(JSON.stringify(manifest, null, 2) + '\n'));
    return manifest;
  }, refuseNonModelDirectory);
}

export function loadModel(dir: string): LoadedModel {
  const manifestPath = path.join(dir, 'manifest.json');
  if (!fs.existsSync(dir)) throw new ModelFormatError(dir, 'directory not found (train one with `textclass train <recipe> --out <dir>`)');
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Manifest;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFormatError(dir, code === 'ENOENT' ? 'no manifest.json: not a textclass model directory' : `manifest.json is not valid JSON (${(e as Error).message})`);
  }
  if (manifest.format !== MODEL_FORMAT) throw new ModelFormatError(dir, 'manifest.json is not a textclass model manifest');
  if (manifest.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new ModelFormatError(dir, `model format version ${manifest.formatVersion} is not supported by this textclass (it reads version ${MODEL_FORMAT_VERSION}); retrain the model or upgrade textclass`);
  }
  const arrays: ModelState['arrays'] = {};
  for (const [name, wf] of Object.entries(manifest.files ?? {})) {
    const dtype = DTYPES[wf.dtype];
    if (!dtype || path.basename(wf.file) !== wf.file) throw new ModelFormatError(dir, `manifest entry for ${name} is invalid`);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path.join(dir, wf.file));
    } catch {
      throw new ModelFormatError(dir, `weight file ${wf.file} is missing`);
    }
    if (bytes.length !== wf.length * dtype.bytes || sha256(bytes) !== wf.sha256) {
      throw new ModelFormatError(dir, `weight file ${wf.file} does not match its checksum in manifest.json (corrupted or modified); retrain or restore the model`);
    }
    // A large file is read into a buffer of its own: used as it is. A copy doubles the memory a
    // load needs and leaves the model's size in garbage, which V8 collects with a full GC
    // (measured ~8 ms) that tends to land in the first predictions.
    if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) {
      arrays[name] = new dtype.ctor(bytes.buffer as ArrayBuffer);
      continue;
    }
    // Copy into a fresh, aligned buffer: Buffer pools may start at offsets typed arrays reject.
    const aligned = new ArrayBuffer(bytes.length);
    new Uint8Array(aligned).set(bytes);
    arrays[name] = new dtype.ctor(aligned);
  }
  const rawClassifier = restoreClassifier({ type: manifest.model.type, config: manifest.model.config, arrays }, dir);
  const classifier = manifest.calibration ? new CalibratedClassifier(rawClassifier, manifest.calibration) : rawClassifier;
  // A malformed rating map is refused with the model, not at its first prediction.
  ratingSectionOf(manifest, dir);
  return { dir, manifest, classifier, rawClassifier };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** saveModel replaces an earlier model or an empty directory, never a folder of something else. */
function refuseNonModelDirectory(target: string): void {
  if (!fs.existsSync(path.join(target, 'manifest.json')) && fs.readdirSync(target).length > 0) {
    throw new ModelFormatError(target, 'exists and is not a textclass model directory; refusing to overwrite it');
  }
}

/** How the model reads a data file: its reader, dialog targets and label rules. */
export function dataSpecOf(manifest: ManifestBody): DataSpec {
  const reader = { ...manifest.reader };
  // 0.1.0 manifests name one label column as `labelField`.
  if (typeof reader.labelField === 'string' && reader.labelFields === undefined) {
    reader.labelFields = [reader.labelField];
    delete reader.labelField;
  }
  return {
    reader: reader as unknown as DataSpec['reader'],
    ...(manifest.dialog ? { dialog: manifest.dialog as unknown as NonNullable<DataSpec['dialog']> } : {}),
    ...(manifest.labelMap ? { labelMap: manifest.labelMap as unknown as NonNullable<DataSpec['labelMap']> } : {}),
  };
}
