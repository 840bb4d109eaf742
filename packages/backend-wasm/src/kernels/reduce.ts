/**
 * sum, mean, max and argmax in wasm (assembly/reduce.ts), which reduces one contiguous block of
 * axes (x read as [outer, reduce, inner]). Other axis sets are first transposed, in wasm, into
 * [reduced axes..., kept axes...] (each group keeping its order): the reduced index then runs in
 * the same row-major order as the reference backend's walk, so sums add the same float64 terms in
 * the same order (bit-identical) and argmax counts positions the same way.
 */
import type { ReduceAttributes } from '@lowbit/tensor';
import type { Runtime } from '../runtime.js';
import type { Storage, WasmTensor } from '../storage.js';
import type { MovementKernels } from './movement.js';

const CODES = { sum: 0, mean: 1, max: 2, argmax: 3 } as const;
/** Must match REDUCE_BLOCK in assembly/reduce.ts (float64 accumulators per thread). */
const REDUCE_BLOCK = 256;
const VALUES_PER_PART = 1 << 16;

const product = (values: readonly number[]) => values.reduce((p, v) => p * v, 1);

export class ReduceKernels {
  constructor(
    private readonly runtime: Runtime,
    private readonly storage: Storage,
    private readonly movement: MovementKernels,
  ) {}

  reduce(op: keyof typeof CODES, x: WasmTensor, { axes, outShape }: ReduceAttributes): WasmTensor {
    const shape = x.shape;
    if (axes.length === 0 || axes[axes.length - 1] - axes[0] === axes.length - 1) {
      const first = axes.length > 0 ? axes[0] : shape.length;
      const end = axes.length > 0 ? axes[axes.length - 1] + 1 : shape.length;
      return this.contiguous(op, x, product(shape.slice(0, first)), product(shape.slice(first, end)), product(shape.slice(end)), outShape);
    }
    // Scattered axes: move them to the front, in order, then reduce the leading block.
    const kept = shape.map((_, axis) => axis).filter((axis) => !axes.includes(axis));
    const permutation = [...axes, ...kept];
    const moved = this.movement.transpose(x, { permutation, outShape: permutation.map((axis) => shape[axis]) });
    try {
      return this.contiguous(op, moved, 1, product(axes.map((axis) => shape[axis])), product(kept.map((axis) => shape[axis])), outShape);
    } finally {
      this.storage.dispose(moved);
    }
  }

  private contiguous(op: keyof typeof CODES, x: WasmTensor, outer: number, reduce: number, inner: number, outShape: readonly number[]): WasmTensor {
    const out = this.storage.allocate(outShape, op === 'argmax' ? 'int32' : 'float32');
    const { runtime } = this;
    const blocks = Math.ceil(inner / REDUCE_BLOCK);
    const parts = runtime.partsFor(x.handle.length, VALUES_PER_PART, outer * blocks);
    const stride = REDUCE_BLOCK * 8;
    const scratch = runtime.scratch(stride * parts);
    runtime.writeJob([CODES[op], outer, reduce, inner, x.handle.address, out.handle.address, scratch, stride]);
    runtime.run('reduceTask', parts);
    return out;
  }
}
