import { ProtoMessage } from './protobuf.js';

/**
 * ONNX ModelProto writing (field numbers from onnx/onnx.proto, IR version 8) and a small graph
 * builder. Only what the exporters use: tensors as raw little-endian data, dense tensor types,
 * int / float / ints / tensor attributes.
 */

/** ONNX IR version 8 is the one of ONNX 1.12, whose default opset is 17. */
export const IR_VERSION = 8;
/** Opset 17: ReduceSum takes axes as an input, ReduceMax/Min keep them as an attribute. Run by onnxruntime ≥ 1.14. */
export const OPSET = 17;

/** TensorProto.DataType values. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;
export type ElemType = (typeof DataType)[keyof typeof DataType];

export type TensorValues = Float32Array | Float64Array | Int32Array | BigInt64Array;

export interface Tensor {
  dims: readonly number[];
  type: ElemType;
  values: TensorValues;
}

export function floatTensor(dims: readonly number[], values: ArrayLike<number>): Tensor {
  return { dims, type: DataType.FLOAT, values: values instanceof Float32Array ? values : Float32Array.from(values) };
}

export function doubleTensor(dims: readonly number[], values: ArrayLike<number>): Tensor {
  return { dims, type: DataType.DOUBLE, values: values instanceof Float64Array ? values : Float64Array.from(values) };
}

export function int64Tensor(dims: readonly number[], values: ArrayLike<number>): Tensor {
  return { dims, type: DataType.INT64, values: BigInt64Array.from(Array.from(values, (v) => BigInt(v))) };
}

function tensorProto(name: string, t: Tensor): ProtoMessage {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (count !== t.values.length) throw new RangeError(`tensor ${name}: dims [${t.dims.join(', ')}] hold ${count} values, got ${t.values.length}`);
  const m = new ProtoMessage();
  if (t.dims.length > 0) m.packedVarints(1, t.dims);
  m.varint(2, t.type);
  m.string(8, name);
  // raw_data is little-endian; typed arrays are in platform order, little-endian on every platform Node runs on.
  m.bytes(9, new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength));
  return m;
}

/** A dimension: a fixed size, or a named symbolic one (`batch`). */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  type: ElemType;
  shape: readonly Dim[];
  doc?: string;
}

function valueInfoProto(v: ValueInfo): ProtoMessage {
  const shape = new ProtoMessage();
  for (const d of v.shape) {
    const dim = new ProtoMessage();
    if (typeof d === 'number') dim.varint(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new ProtoMessage().varint(1, v.type).message(2, shape);
  const type = new ProtoMessage().message(1, tensorType);
  const m = new ProtoMessage().string(1, v.name).message(2, type);
  if (v.doc) m.string(3, v.doc);
  return m;
}

export type Attribute = { kind: 'int'; value: number } | { kind: 'float'; value: number } | { kind: 'ints'; value: readonly number[] } | { kind: 'tensor'; value: Tensor };

/** AttributeProto.AttributeType values. */
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_TENSOR = 4;
const ATTR_INTS = 7;

function attributeProto(name: string, a: Attribute): ProtoMessage {
  const m = new ProtoMessage().string(1, name);
  switch (a.kind) {
    case 'float':
      m.float32(2, a.value).varint(20, ATTR_FLOAT);
      break;
    case 'int':
      m.varint(3, a.value).varint(20, ATTR_INT);
      break;
    case 'ints':
      for (const v of a.value) m.varint(8, v);
      m.varint(20, ATTR_INTS);
      break;
    case 'tensor':
      m.message(5, tensorProto('', a.value)).varint(20, ATTR_TENSOR);
      break;
  }
  return m;
}

interface NodeSpec {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  attributes: Record<string, Attribute>;
}

/**
 * Builds one graph: initializers (weights), nodes in topological order (callers add them in the
 * order they compute), graph inputs and outputs. Intermediate names are generated and unique.
 */
export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: { name: string; tensor: Tensor }[] = [];
  private readonly names = new Set<string>();
  private readonly constants = new Map<string, string>();
  private counter = 0;

  constructor(readonly name: string) {}

  /** A constant tensor (a weight); returns its name. */
  initializer(name: string, tensor: Tensor): string {
    const unique = this.claim(name);
    this.initializers.push({ name: unique, tensor });
    return unique;
  }

  /** A small constant used in many places (axes, 1, 0): one initializer per distinct `key`, named `name` (default: the key). */
  constant(key: string, make: () => Tensor, name = key): string {
    let unique = this.constants.get(key);
    if (unique === undefined) {
      unique = this.initializer(name, make());
      this.constants.set(key, unique);
    }
    return unique;
  }

  /** Adds a node with one output and returns the output's name. */
  op(op: string, inputs: readonly string[], attributes: Record<string, Attribute> = {}, outputName?: string): string {
    const output = this.claim(outputName ?? `${op.toLowerCase()}_${this.counter}`);
    this.nodes.push({ op, inputs, outputs: [output], name: `${op}_${this.counter++}`, attributes });
    return output;
  }

  /** Reserves a graph input name (so no node output takes it). */
  reserve(name: string): string {
    if (this.names.has(name)) throw new Error(`graph name ${name} is taken`);
    this.names.add(name);
    return name;
  }

  private claim(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  toProto(inputs: readonly ValueInfo[], outputs: readonly ValueInfo[]): ProtoMessage {
    const g = new ProtoMessage();
    for (const n of this.nodes) {
      const node = new ProtoMessage();
      for (const i of n.inputs) node.string(1, i);
      for (const o of n.outputs) node.string(2, o);
      node.string(3, n.name).string(4, n.op);
      for (const [name, a] of Object.entries(n.attributes)) node.message(5, attributeProto(name, a));
      g.message(1, node);
    }
    g.string(2, this.name);
    for (const i of this.initializers) g.message(5, tensorProto(i.name, i.tensor));
    for (const v of inputs) g.message(11, valueInfoProto(v));
    for (const v of outputs) g.message(12, valueInfoProto(v));
    return g;
  }
}

export interface ModelInfo {
  producerName: string;
  producerVersion: string;
  docString: string;
  /** Free-form key/value metadata (onnxruntime exposes it as the model's custom metadata). */
  metadata: Record<string, string>;
}

/** Protobuf messages, and so ONNX files without external data, are limited to 2 GiB. */
export const MAX_MODEL_BYTES = 2 ** 31 - 1;

export class ModelTooLargeError extends RangeError {}

/** The bytes of a `.onnx` file: one graph, the default ONNX domain at OPSET. */
export function encodeModel(graph: GraphBuilder, inputs: readonly ValueInfo[], outputs: readonly ValueInfo[], info: ModelInfo): Uint8Array {
  const model = new ProtoMessage().varint(1, IR_VERSION).string(2, info.producerName).string(3, info.producerVersion).string(6, info.docString);
  model.message(7, graph.toProto(inputs, outputs));
  model.message(8, new ProtoMessage().string(1, '').varint(2, OPSET));
  for (const [key, value] of Object.entries(info.metadata)) model.message(14, new ProtoMessage().string(1, key).string(2, value));
  if (model.byteLength > MAX_MODEL_BYTES) throw new ModelTooLargeError(`the graph would take ${(model.byteLength / 2 ** 30).toFixed(2)} GiB, over the 2 GiB limit of a single ONNX file`);
  return model.toBytes();
}
