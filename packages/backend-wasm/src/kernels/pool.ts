/** Max and average pooling and their gradients in wasm (assembly/pool.ts). */
import type { Pool2dAttributes } from '@lowbit/tensor';
import type { Runtime } from '../runtime.js';
import type { Storage, WasmTensor } from '../storage.js';

const MAX_FORWARD = 0;
const AVERAGE_FORWARD = 1;
const MAX_BACKWARD = 2;
const AVERAGE_BACKWARD = 3;
const WINDOW_CELLS_PER_PART = 1 << 15;

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
    const planes = batch * channels;
    const out = this.storage.allocate(outShape);
    const cost = planes * outHeight * outWidth * kernelHeight * kernelWidth;
    const parts = runtime.partsFor(cost, WINDOW_CELLS_PER_PART, planes);
    const stride = Math.ceil((height * width * 8) / 64) * 64;
    const scratch = op >= MAX_BACKWARD ? runtime.scratch(stride * parts) : 0;
    runtime.writeJob([
      op, planes, height, width, outHeight, outWidth, kernelHeight, kernelWidth, attributes.stride[0], attributes.stride[1],
      attributes.padding[0], attributes.padding[2], x.handle.address, dy.handle.address, out.handle.address, scratch, stride,
      // Planes per unit of work: about 8 units per thread.
      Math.max(1, Math.ceil(planes / (8 * parts))),
    ]);
    runtime.run('poolTask', parts);
    return out;
  }
}
