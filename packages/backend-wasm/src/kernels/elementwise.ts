/**
 * Unary, binary (pow included), comparison, where and clip kernels in wasm (assembly/elementwise.ts). The host merges
 * the axes of the broadcast so that the kernel walks rows of contiguous output: adjacent axes fuse
 * when every operand steps through them the same way (both contiguous, or both broadcast), so
 * equal shapes become one row and a bias [c] added to [n, c] becomes n rows of c.
 */
import type { BinaryOp, ComparisonOp, ElementwiseAttributes, UnaryOp } from '@lowbit/tensor';
import type { Runtime } from '../runtime.js';
import type { Storage, WasmTensor } from '../storage.js';

const OPS: Record<UnaryOp | BinaryOp | ComparisonOp | 'clip' | 'binarize', number> = {
  neg: 0, abs: 1, sign: 2, exp: 3, log: 4, sqrt: 5, square: 6, reciprocal: 7, relu: 8, sigmoid: 9, tanh: 10, clip: 11, binarize: 12,
  add: 20, sub: 21, mul: 22, div: 23, maximum: 24, minimum: 25, pow: 26,
  equal: 30, notEqual: 31, less: 32, lessEqual: 33, greater: 34, greaterEqual: 35,
};
/** assembly/elementwise.ts WHERE_FLOAT and WHERE_INT (the condition's dtype). */
const WHERE_FLOAT = 40;
const WHERE_INT = 41;
const MAXIMUM_RANK = 8;
/** Values below which an elementwise op stays on one thread. */
const VALUES_PER_PART = 1 << 15;
const TRANSCENDENTAL = new Set(['exp', 'log', 'sigmoid', 'tanh']);

const scratchFloat = new Float32Array(1);
const scratchBits = new Int32Array(scratchFloat.buffer);

function float32Bits(value: number): number {
  scratchFloat[0] = value;
  return scratchBits[0];
}

function stridesFor(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  const shift = outShape.length - shape.length;
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    if (shape[axis] !== 1) strides[axis + shift] = stride;
    stride *= shape[axis];
  }
  return strides;
}

/** Fuses adjacent axes where every operand's strides allow it; drops size-1 axes. */
export function mergeAxes(shape: readonly number[], operandStrides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const merged: number[] = [];
  const strides: number[][] = operandStrides.map(() => []);
  for (let axis = 0; axis < shape.length; axis++) {
    const size = shape[axis];
    if (size === 1) continue;
    const last = merged.length - 1;
    const fuses = last >= 0 && operandStrides.every((s, k) => strides[k][last] === s[axis] * size);
    if (fuses) {
      merged[last] *= size;
      operandStrides.forEach((s, k) => (strides[k][last] = s[axis]));
    } else {
      merged.push(size);
      operandStrides.forEach((s, k) => strides[k].push(s[axis]));
    }
  }
  if (merged.length === 0) {
    merged.push(1);
    strides.forEach((s) => s.push(0));
  }
  return { shape: merged, strides };
}

export class ElementwiseKernels {
  constructor(
    private readonly runtime: Runtime,
    private readonly storage: Storage,
  ) {}

  unary(op: UnaryOp, x: WasmTensor, { outShape }: ElementwiseAttributes): WasmTensor {
    return this.run(OPS[op], outShape, x, x, [x.handle.length], [1], [1], 0, 0, TRANSCENDENTAL.has(op) ? 16 : 1);
  }

  clip(x: WasmTensor, { outShape, min, max }: ElementwiseAttributes & { min: number; max: number }): WasmTensor {
    // Comparing float32 values with the rounded bounds gives the same results as with the exact ones.
    return this.run(OPS.clip, outShape, x, x, [x.handle.length], [1], [1], float32Bits(min), float32Bits(max), 1);
  }

  /** quantize into binaryFormat({ scale }): x < 0 ? -scale : x >= 0 ? scale : NaN (scale is a float32). */
  binarize(x: WasmTensor, scale: number): WasmTensor {
    return this.run(OPS.binarize, x.shape, x, x, [x.handle.length], [1], [1], float32Bits(-scale), float32Bits(scale), 1);
  }

  binary(op: BinaryOp | ComparisonOp, a: WasmTensor, b: WasmTensor, { outShape }: ElementwiseAttributes): WasmTensor {
    const merged = mergeAxes(outShape, [stridesFor(a.shape, outShape), stridesFor(b.shape, outShape)]);
    if (merged.shape.length > MAXIMUM_RANK) throw new Error(`internal: rank ${merged.shape.length} after merging axes`);
    return this.run(OPS[op], outShape, a, b, merged.shape, merged.strides[0], merged.strides[1], 0, 0, op === 'pow' ? 16 : 1);
  }

  /** condition != 0 ? a : b with the bits of a or b (float32 or int32 branches, either condition dtype). */
  where(condition: WasmTensor, a: WasmTensor, b: WasmTensor, { outShape }: ElementwiseAttributes): WasmTensor {
    const operands = [a, b, condition].map((tensor) => stridesFor(tensor.shape, outShape));
    const merged = mergeAxes(outShape, operands);
    if (merged.shape.length > MAXIMUM_RANK) throw new Error(`internal: rank ${merged.shape.length} after merging axes`);
    const op = condition.dtype === 'int32' ? WHERE_INT : WHERE_FLOAT;
    return this.run(op, outShape, a, b, merged.shape, merged.strides[0], merged.strides[1], 0, 0, 1, { tensor: condition, strides: merged.strides[2] });
  }

  private run(op: number, outShape: readonly number[], a: WasmTensor, b: WasmTensor, shape: number[], aStrides: number[], bStrides: number[],
    low: number, high: number, costPerValue: number, c?: { tensor: WasmTensor; strides: number[] }): WasmTensor {
    const out = this.storage.allocate(outShape, op >= WHERE_FLOAT ? a.dtype : 'float32');
    const { runtime } = this;
    const rank = shape.length;
    const pad = (values: number[]) => [...values, ...new Array<number>(MAXIMUM_RANK - values.length).fill(0)];
    runtime.writeJob([
      op, rank, out.handle.address, a.handle.address, b.handle.address, low, high, c?.tensor.handle.address ?? 0,
      ...pad(shape), ...pad(aStrides), ...pad(bStrides), ...pad(c?.strides ?? []),
    ]);
    runtime.run('elementwiseTask', runtime.partsFor(out.handle.length * costPerValue, VALUES_PER_PART));
    return out;
  }
}
