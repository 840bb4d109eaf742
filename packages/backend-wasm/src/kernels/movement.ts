/**
 * transpose, slice, pad, concat and cast as strided copies in wasm (assembly/movement.ts): no
 * value leaves wasm memory. Strides are in elements; axes are merged (./elementwise.ts mergeAxes)
 * so that contiguous stretches become one inner loop.
 */
import type { ConcatAttributes, DType, PadAttributes, SliceAttributes, TransposeAttributes } from '@lowbit/tensor';
import type { Runtime } from '../runtime.js';
import type { Storage, WasmTensor } from '../storage.js';
import { mergeAxes } from './elementwise.js';

const COPY = 0;
const FLOAT_TO_INT = 1;
const INT_TO_FLOAT = 2;
const MAXIMUM_RANK = 8;
const VALUES_PER_PART = 1 << 16;

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }
  return strides;
}

export class MovementKernels {
  constructor(
    private readonly runtime: Runtime,
    private readonly storage: Storage,
  ) {}

  /** Output axis i reads input axis permutation[i]. */
  transpose(x: WasmTensor, { permutation, outShape }: TransposeAttributes): WasmTensor {
    const out = this.storage.allocate(outShape, x.dtype);
    const inStrides = stridesOf(x.shape);
    this.copy(COPY, outShape, out.handle.address, stridesOf(outShape), x.handle.address, permutation.map((axis) => inStrides[axis]));
    return out;
  }

  /** Output index j along an axis reads input index begin + j * step. */
  slice(x: WasmTensor, { begin, step, outShape }: SliceAttributes): WasmTensor {
    const out = this.storage.allocate(outShape, x.dtype);
    const inStrides = stridesOf(x.shape);
    const base = begin.reduce((offset, first, axis) => offset + first * inStrides[axis], 0);
    this.copy(COPY, outShape, out.handle.address, stridesOf(outShape), x.handle.address + base * 4, step.map((s, axis) => s * inStrides[axis]));
    return out;
  }

  /** Fill with the value, then copy x into the interior. */
  pad(x: WasmTensor, { paddings, value, outShape }: PadAttributes): WasmTensor {
    const out = this.storage.allocate(outShape, x.dtype);
    this.storage.view(out).fill(value);
    const outStrides = stridesOf(outShape);
    const base = paddings.reduce((offset, [before], axis) => offset + before * outStrides[axis], 0);
    if (x.handle.length > 0) this.copy(COPY, x.shape, out.handle.address + base * 4, outStrides, x.handle.address, stridesOf(x.shape));
    return out;
  }

  /** Each input is copied into its slab of the output along `axis`. */
  concat(inputs: readonly WasmTensor[], { axis, outShape }: ConcatAttributes): WasmTensor {
    const out = this.storage.allocate(outShape, inputs[0].dtype);
    const outStrides = stridesOf(outShape);
    let position = 0;
    for (const input of inputs) {
      if (input.handle.length > 0) this.copy(COPY, input.shape, out.handle.address + position * outStrides[axis] * 4, outStrides, input.handle.address, stridesOf(input.shape));
      position += input.shape[axis];
    }
    return out;
  }

  /** float32 -> int32 truncates and saturates (NaN -> 0); int32 -> float32 rounds; same dtype copies. */
  cast(x: WasmTensor, { dtype }: { dtype: DType }): WasmTensor {
    const out = this.storage.allocate(x.shape, dtype);
    const mode = x.dtype === dtype ? COPY : dtype === 'int32' ? FLOAT_TO_INT : INT_TO_FLOAT;
    this.copy(mode, [x.handle.length], out.handle.address, [1], x.handle.address, [1]);
    return out;
  }

  private copy(mode: number, shape: readonly number[], destination: number, destinationStrides: number[], source: number, sourceStrides: number[]): void {
    const merged = mergeAxes(shape, [destinationStrides, sourceStrides]);
    if (merged.shape.length > MAXIMUM_RANK) throw new Error(`internal: rank ${merged.shape.length} after merging axes`);
    const pad = (values: number[]) => [...values, ...new Array<number>(MAXIMUM_RANK - values.length).fill(0)];
    const { runtime } = this;
    const count = shape.reduce((a, b) => a * b, 1);
    runtime.writeJob([mode, merged.shape.length, destination, source, 0, 0, 0, 0, ...pad(merged.shape), ...pad(merged.strides[0]), ...pad(merged.strides[1])]);
    runtime.run('copyTask', runtime.partsFor(count, VALUES_PER_PART));
  }
}
