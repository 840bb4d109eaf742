/**
 * sum, mean, max and argmax in wasm, by one of two kernels chosen from where the reduced axes sit
 * (size-1 axes dropped first: they change neither the order of the values nor the reduced index):
 * - reduced axes after one block of kept axes, and possibly before it: x read as [outer, kept,
 *   inner] reducing outer and inner (assembly/reduce-channels.ts), no copy: axes [0, 2, 3] of
 *   NCHW (batch norm statistics, convolution bias gradients), the last axes (outer = 1), every
 *   axis (kept = 1);
 * - one block of reduced axes before or between kept axes: x read as [outer, reduce, inner]
 *   (assembly/reduce.ts): the leading axes (a dense layer's bias gradient, outer = 1), where kept
 *   values lie side by side and the kernel vectorises over them, and a middle axis.
 * Other axis sets are first transposed, in wasm, into [kept axes..., reduced axes...] (each group
 * keeping its order), then reduced over the trailing block. Either way every output adds its
 * values in the reference backend's row-major order over the reduced axes, so sums add the same
 * float64 terms in the same order (bit-identical) and argmax counts positions the same way.
 */
import type { ReduceAttributes } from '@lowbit/tensor';
import type { Runtime } from '../runtime.js';
import type { Storage, WasmTensor } from '../storage.js';
import type { MovementKernels } from './movement.js';

const CODES = { sum: 0, mean: 1, max: 2, argmax: 3 } as const;
type ReduceOp = keyof typeof CODES;
/** Must match REDUCE_BLOCK in assembly/reduce.ts (float64 accumulators per thread). */
const REDUCE_BLOCK = 256;
/** Must match PASS_KEPT in assembly/reduce-channels.ts: kept indices one pass sums at once. */
const PASS_KEPT = 8;
const VALUES_PER_PART = 1 << 16;

const product = (values: readonly number[]) => values.reduce((p, v) => p * v, 1);

/** How a reduction reads x; null: the reduced axes are scattered (transpose first). */
export type ReductionLayout =
  | { kernel: 'channels'; outer: number; kept: number; inner: number }
  | { kernel: 'block'; outer: number; reduce: number; inner: number };

/** The layout of reducing `axes` (sorted, unique) of `shape`. Plain loops: it runs on every call. */
export function reductionLayout(shape: readonly number[], axes: readonly number[]): ReductionLayout | null {
  // Runs of adjacent reduced or kept axes (size-1 axes skipped): their sizes, and whether the first is reduced.
  const runs: number[] = [];
  let firstReduced = false;
  let previous: boolean | undefined;
  let next = 0;
  for (let axis = 0; axis < shape.length; axis++) {
    const reduced = next < axes.length && axes[next] === axis;
    if (reduced) next++;
    if (shape[axis] === 1) continue;
    if (reduced === previous) runs[runs.length - 1] *= shape[axis];
    else {
      if (previous === undefined) firstReduced = reduced;
      runs.push(shape[axis]);
      previous = reduced;
    }
  }
  const [a = 1, b = 1, c = 1] = runs;
  switch (runs.length) {
    case 0:
      return { kernel: 'channels', outer: 1, kept: 1, inner: 1 };
    case 1:
      // Every axis reduced: one long run. None (a copy): one long row of positions.
      return firstReduced ? { kernel: 'channels', outer: 1, kept: 1, inner: a } : { kernel: 'block', outer: 1, reduce: 1, inner: a };
    case 2:
      return firstReduced ? { kernel: 'block', outer: 1, reduce: a, inner: b } : { kernel: 'channels', outer: 1, kept: a, inner: b };
    case 3:
      return firstReduced ? { kernel: 'channels', outer: a, kept: b, inner: c } : { kernel: 'block', outer: a, reduce: b, inner: c };
    default:
      return null;
  }
}

export class ReduceKernels {
  constructor(
    private readonly runtime: Runtime,
    private readonly storage: Storage,
    private readonly movement: MovementKernels,
  ) {}

  reduce(op: ReduceOp, x: WasmTensor, { axes, outShape }: ReduceAttributes): WasmTensor {
    const shape = x.shape;
    const layout = reductionLayout(shape, axes);
    if (layout) return this.run(op, x, layout, outShape);
    // Scattered axes: move them to the back, in order, then reduce the trailing block.
    const kept = shape.map((_, axis) => axis).filter((axis) => !axes.includes(axis));
    const permutation = [...kept, ...axes];
    const moved = this.movement.transpose(x, { permutation, outShape: permutation.map((axis) => shape[axis]) });
    try {
      const layout = { kernel: 'channels', outer: 1, kept: product(kept.map((axis) => shape[axis])), inner: product(axes.map((axis) => shape[axis])) } as const;
      return this.run(op, moved, layout, outShape);
    } finally {
      this.storage.dispose(moved);
    }
  }

  private run(op: ReduceOp, x: WasmTensor, layout: ReductionLayout, outShape: readonly number[]): WasmTensor {
    const out = this.storage.allocate(outShape, op === 'argmax' ? 'int32' : 'float32');
    if (out.handle.length === 0) return out;
    if (layout.kernel === 'channels') this.channels(op, x, out, layout);
    else this.block(op, x, out, layout);
    return out;
  }

  /**
   * Units of kept indices: as many per unit as one pass sums (PASS_KEPT), fewer when that would
   * leave a thread without work, so that even 6 kept indices (LeNet-5's first convolution) keep
   * two threads busy, 3 each. Which indices share a pass does not change any result.
   */
  private channels(op: ReduceOp, x: WasmTensor, out: WasmTensor, { outer, kept, inner }: { outer: number; kept: number; inner: number }): void {
    const { runtime } = this;
    const parts = runtime.partsFor(x.handle.length, VALUES_PER_PART, kept);
    const units = parts * Math.ceil(kept / (parts * PASS_KEPT));
    const perUnit = Math.max(1, Math.ceil(kept / units));
    runtime.writeJob([CODES[op], outer, kept, inner, x.handle.address, out.handle.address, perUnit]);
    runtime.run('reduceChannelsTask', parts);
  }

  private block(op: ReduceOp, x: WasmTensor, out: WasmTensor, { outer, reduce, inner }: { outer: number; reduce: number; inner: number }): void {
    const { runtime } = this;
    const blocks = Math.ceil(inner / REDUCE_BLOCK);
    const parts = runtime.partsFor(x.handle.length, VALUES_PER_PART, outer * blocks);
    const stride = REDUCE_BLOCK * 8;
    const scratch = runtime.scratch(stride * parts);
    runtime.writeJob([CODES[op], outer, reduce, inner, x.handle.address, out.handle.address, scratch, stride]);
    runtime.run('reduceTask', parts);
  }
}
