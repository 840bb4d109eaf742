/**
 * Max and average pooling and their gradients in wasm (assembly/pool.ts: branchless max, SIMD for
 * windows two columns wide at stride 2, backward of non-overlapping windows written directly).
 */
import type { Pool2dAttributes } from '@lowbit/tensor';
import type { Runtime } from '../runtime.js';
import type { Storage, WasmTensor } from '../storage.js';

const MAX_FORWARD = 0;
const AVERAGE_FORWARD = 1;
const MAX_BACKWARD = 2;
const AVERAGE_BACKWARD = 3;
/** The 2x2 stride 2 path runs at about a copy's speed per cell: movement's and reduce's threshold. */
const WINDOW_CELLS_PER_PART = 1 << 16;

export class PoolKernels {
  constructor(
    private readonly runtime: Runtime,
    private readonly storage: Storage,
  ) {}

  maxPool2d(x: WasmTensor, attributes: Pool2dAttributes): WasmTensor {
    return this.run(MAX_FORWARD, attributes, x, x, attributes.outShape);
  }

  avgPool2d(x: WasmTensor, attributes: Pool2dAttributes): WasmTensor {
    return this.run(AVERAGE_FORWARD, attributes, x, x, attributes.outShape);
  }

  maxPool2dBackward(dy: WasmTensor, x: WasmTensor, attributes: Pool2dAttributes): WasmTensor {
    return this.run(MAX_BACKWARD, attributes, x, dy, attributes.inShape);
  }

  avgPool2dBackward(dy: WasmTensor, attributes: Pool2dAttributes): WasmTensor {
    return this.run(AVERAGE_BACKWARD, attributes, dy, dy, attributes.inShape);
  }

  private run(op: number, attributes: Pool2dAttributes, x: WasmTensor, dy: WasmTensor, outShape: readonly number[]): WasmTensor {
    const { runtime } = this;
    const [batch, channels, height, width] = attributes.inShape;
    const [, , outHeight, outWidth] = attributes.outShape;
    const [kernelHeight, kernelWidth] = attributes.kernelSize;
    const [strideY, strideX] = attributes.stride;
    const planes = batch * channels;
    const out = this.storage.allocate(outShape);
    const cost = planes * outHeight * outWidth * kernelHeight * kernelWidth;
    const parts = runtime.partsFor(cost, WINDOW_CELLS_PER_PART, planes);
    const scratchStride = Math.ceil((height * width * 8) / 64) * 64;
    // Only overlapping windows add several terms into one cell: a float64 plane per thread.
    const overlapping = strideY < kernelHeight || strideX < kernelWidth;
    const scratch = op >= MAX_BACKWARD && overlapping ? runtime.scratch(scratchStride * parts) : 0;
    runtime.writeJob([
      op, planes, height, width, outHeight, outWidth, kernelHeight, kernelWidth, strideY, strideX,
      attributes.padding[0], attributes.padding[2], x.handle.address, dy.handle.address, out.handle.address, scratch, scratchStride,
      // Planes per unit of work: about 8 units per thread.
      Math.max(1, Math.ceil(planes / (8 * parts))),
    ]);
    runtime.run('poolTask', parts);
    return out;
  }
}
