/**
 * sum, mean and max in wasm (assembly/reduce.ts) when the reduced axes form one contiguous block
 * (the common cases: a whole tensor, the last axes, the batch axis of a gradient); other axis
 * sets, and argmax, use the reference kernel on a view of wasm memory.
 */
import type { ReduceAttributes } from '@lowbit/tensor';
import type { Runtime } from '../runtime.js';
import type { Storage, WasmTensor } from '../storage.js';

const CODES = { sum: 0, mean: 1, max: 2 } as const;
/** Must match REDUCE_BLOCK in assembly/reduce.ts (float64 accumulators per thread). */
const REDUCE_BLOCK = 256;
const VALUES_PER_PART = 1 << 16;

export class ReduceKernels {
  constructor(
    private readonly runtime: Runtime,
    private readonly storage: Storage,
  ) {}

  /** The kernel, or undefined when the axes are not one contiguous block (the caller falls back). */
  reduce(op: keyof typeof CODES, x: WasmTensor, { axes, outShape }: ReduceAttributes): WasmTensor | undefined {
    const shape = x.shape;
    if (axes.length > 0 && axes[axes.length - 1] - axes[0] !== axes.length - 1) return undefined;
    const first = axes.length > 0 ? axes[0] : shape.length;
    const end = axes.length > 0 ? axes[axes.length - 1] + 1 : shape.length;
    const product = (values: readonly number[]) => values.reduce((p, v) => p * v, 1);
    const outer = product(shape.slice(0, first));
    const reduce = product(shape.slice(first, end));
    const inner = product(shape.slice(end));
    const out = this.storage.allocate(outShape);
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
