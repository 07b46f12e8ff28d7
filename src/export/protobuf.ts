/**
 * The few protocol-buffers wire-format primitives an ONNX file needs (varints, length-delimited
 * fields, packed numbers), written by hand so exporting needs no protobuf library.
 *
 * A message is kept as a list of byte chunks plus its total length, so a weight tensor of many
 * megabytes is copied once, when the whole file is joined, not once per level of nesting.
 */
export class ProtoMessage {
  private readonly chunks: Uint8Array[] = [];
  private pending: number[] = [];
  private size = 0;

  get byteLength(): number {
    return this.size + this.pending.length;
  }

  /** Field `field` as a varint (wire type 0): int32, int64, enum, bool. Negative values take 10 bytes, as protobuf does. */
  varint(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.rawVarint(value);
    return this;
  }

  /** A float field (wire type 5, 4 bytes little-endian). */
  float32(field: number, value: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.append(b);
    return this;
  }

  /** A string field (UTF-8, wire type 2); empty strings are still written, so callers decide. */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.rawVarint(value.length);
    this.append(value);
    return this;
  }

  /** An embedded message (wire type 2). */
  message(field: number, value: ProtoMessage): this {
    this.tag(field, 2);
    this.rawVarint(value.byteLength);
    this.flushPending();
    for (const c of value.parts()) this.chunks.push(c);
    this.size += value.byteLength;
    return this;
  }

  /** A repeated integer field, packed (proto3's default for repeated scalars). */
  packedVarints(field: number, values: ArrayLike<number | bigint>): this {
    const inner = new ProtoMessage();
    for (let i = 0; i < values.length; i++) inner.rawVarint(values[i]);
    this.tag(field, 2);
    this.rawVarint(inner.byteLength);
    this.flushPending();
    for (const c of inner.parts()) this.chunks.push(c);
    this.size += inner.byteLength;
    return this;
  }

  /** The encoded bytes as one array. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    let at = 0;
    for (const c of this.parts()) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  private parts(): Uint8Array[] {
    this.flushPending();
    return this.chunks;
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  private rawVarint(value: number | bigint): void {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`varint ${value} is not a safe integer`);
    // Negative int64 values are encoded as their two's complement in 64 bits (10 bytes).
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.pending.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.pending.push(Number(v));
  }

  private append(bytes: Uint8Array): void {
    this.flushPending();
    if (bytes.length > 0) this.chunks.push(bytes);
    this.size += bytes.length;
  }

  private flushPending(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Uint8Array.from(this.pending));
    this.size += this.pending.length;
    this.pending = [];
  }
}
