/**
 * Typed arrays over an ArrayBuffer that can shrink (ES2024 resizable buffers, in Node 20; not in
 * this lib's types), for large temporary storage that must give its memory back at once.
 *
 * Dropping a plain array frees it only at the next full GC, which code that allocates little on
 * the heap does not trigger, so temporary chunks would stay resident beside what they were copied
 * into. `release` (resize to 0) returns the pages immediately.
 *
 * Only for temporaries: V8 reads and writes arrays over a resizable buffer about half as fast as
 * plain ones in hot loops (measured on Node 20), so results handed to training must be plain.
 */
interface ShrinkableBuffer extends ArrayBuffer {
  resize(byteLength: number): void;
}
const ShrinkableBuffer = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ShrinkableBuffer;

export function shrinkableInt32(length: number): Int32Array {
  return new Int32Array(new ShrinkableBuffer(length * 4, { maxByteLength: length * 4 }), 0, length);
}

export function shrinkableFloat32(length: number): Float32Array {
  return new Float32Array(new ShrinkableBuffer(length * 4, { maxByteLength: length * 4 }), 0, length);
}

export function shrinkableUint8(length: number): Uint8Array {
  return new Uint8Array(new ShrinkableBuffer(length, { maxByteLength: length }), 0, length);
}

/** Gives an array's memory back now when its buffer can shrink (else leaves it to the GC); the array is unusable afterwards. */
export function release(array: Int32Array | Float32Array | Uint8Array): void {
  const buffer = array.buffer as ShrinkableBuffer & { resizable?: boolean };
  if (buffer.resizable) buffer.resize(0);
}
