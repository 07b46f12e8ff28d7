import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataType, doubleTensor, encodeModel, floatTensor, GraphBuilder, int64Tensor } from './onnx-model.js';
import { tryLoadOrt } from './onnx-session.js';
import { ProtoMessage } from './protobuf.js';

const ort = tryLoadOrt();
const skip = ort === null && !process.env.CI ? 'onnxruntime-node is not installed' : false;

test('protobuf wire format: varints, negative int64, strings, floats, packed and nested fields', () => {
  assert.deepEqual([...new ProtoMessage().varint(1, 150).toBytes()], [0x08, 0x96, 0x01]);
  // int64 −1 is ten bytes of two's complement.
  assert.deepEqual([...new ProtoMessage().varint(1, -1).toBytes()], [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  assert.deepEqual([...new ProtoMessage().string(2, 'hé').toBytes()], [0x12, 0x03, 0x68, 0xc3, 0xa9]);
  assert.deepEqual([...new ProtoMessage().float32(2, 1.5).toBytes()], [0x15, 0x00, 0x00, 0xc0, 0x3f]);
  assert.deepEqual([...new ProtoMessage().packedVarints(4, [3, 270]).toBytes()], [0x22, 0x03, 0x03, 0x8e, 0x02]);
  const inner = new ProtoMessage().varint(1, 150);
  const outer = new ProtoMessage().message(3, inner).varint(1, 1);
  assert.deepEqual([...outer.toBytes()], [0x1a, 0x03, 0x08, 0x96, 0x01, 0x08, 0x01]);
  assert.equal(outer.byteLength, 7);
  assert.throws(() => new ProtoMessage().varint(1, 2 ** 60), /not a safe integer/);
});

test('a tensor whose dims do not hold its values is refused', () => {
  const g = new GraphBuilder('bad');
  g.initializer('w', floatTensor([2, 2], [1, 2, 3]));
  assert.throws(() => g.toProto([], []), /dims \[2, 2\] hold 4 values, got 3/);
});

test('a hand-built graph runs in onnxruntime: Gather, Mul, ReduceSum, Cast, Softmax with symbolic batch', { skip }, async () => {
  assert.ok(ort);
  const g = new GraphBuilder('probe');
  const ids = g.reserve('ids');
  const W = g.initializer('W', doubleTensor([3, 2], [1, 2, 3, 4, 5, 6]));
  const rows = g.op('Gather', [W, ids], { axis: { kind: 'int', value: 0 } });
  const sum = g.op('ReduceSum', [rows, g.initializer('axes', int64Tensor([1], [1]))], { keepdims: { kind: 'int', value: 0 } });
  g.op('Cast', [g.op('Softmax', [sum], { axis: { kind: 'int', value: -1 } })], { to: { kind: 'int', value: DataType.FLOAT } }, 'p');
  const bytes = encodeModel(g, [{ name: 'ids', type: DataType.INT64, shape: ['batch', 2] }], [{ name: 'p', type: DataType.FLOAT, shape: ['batch', 2] }], {
    producerName: 'test',
    producerVersion: '0',
    docString: 'probe',
    metadata: { labels: '["a","b"]' },
  });
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ ids: new ort.Tensor('int64', BigInt64Array.from([0n, 2n, 1n, 1n]), [2, 2]) });
  const p = out.p.data as Float32Array;
  // Row 0: [1+5, 2+6] = [6, 8]; row 1: [3+3, 4+4] = [6, 8]: softmax gives [1/(1+e²), e²/(1+e²)].
  const hi = Math.exp(2) / (1 + Math.exp(2));
  for (const [i, v] of [1 - hi, hi, 1 - hi, hi].entries()) assert.ok(Math.abs(p[i] - v) < 1e-7, `p[${i}] = ${p[i]}`);
});
