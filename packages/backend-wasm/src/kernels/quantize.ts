/**
 * quantize in wasm for every format of @lowbit/formats, bit-identical to it: float formats (e8m0
 * included) and fixed point (saturating or wrapping) through their element kernels
 * (./element-jobs.ts), binary through the elementwise kernel, tensor formats (scaled, block, MX)
 * through ./tensor-format.ts. Only a TensorFormat that is not one of formats' scaled or block
 * formats (none exists today) would call the format itself on a copy.
 */
import { type BinarySpec, type ElementFormat, type TensorFormat } from '@lowbit/formats';
import type { QuantizeAttributes } from '@lowbit/tensor';
import type { Runtime } from '../runtime.js';
import type { Storage, WasmTensor } from '../storage.js';
import { elementJob, forEachRun } from './element-jobs.js';
import type { ElementwiseKernels } from './elementwise.js';
import { TensorFormatKernel, tensorFormatParts } from './tensor-format.js';

/** Elements below which quantize stays on one thread. */
const ELEMENTS_PER_PART = 1 << 16;

type AnyFormat = ElementFormat | TensorFormat;

function isTensorFormat(format: AnyFormat): format is TensorFormat {
  return 'element' in format;
}

export class QuantizeKernels {
  private readonly tensorFormats: TensorFormatKernel;

  constructor(
    private readonly runtime: Runtime,
    private readonly storage: Storage,
    private readonly elementwise: ElementwiseKernels,
  ) {
    this.tensorFormats = new TensorFormatKernel(runtime, storage);
  }

  quantize(x: WasmTensor, attributes: QuantizeAttributes): WasmTensor {
    const { format } = attributes;
    if (isTensorFormat(format)) {
      const parts = tensorFormatParts(format, x.shape);
      return parts ? this.tensorFormats.quantize(x, parts, attributes) : this.byFormat(x, attributes);
    }
    // The rounding mode changes nothing for binary (formats still validates it, like the op did).
    if (format.spec.kind === 'binary') return this.elementwise.binarize(x, (format.spec as BinarySpec).scale);
    const job = elementJob(format, attributes);
    if (!job) return this.byFormat(x, attributes);
    const out = this.storage.allocate(x.shape);
    const { runtime } = this;
    forEachRun(attributes.seed, attributes.offset, x.handle.length, (start, end, run) => {
      job.write(runtime.heap, runtime.job, end - start, x.handle.address + start * 4, out.handle.address + start * 4, run);
      runtime.run(job.task, runtime.partsFor(end - start, ELEMENTS_PER_PART));
    });
    return out;
  }

  /** The format's own quantize on a copy (tensor formats also get the shape). */
  private byFormat(x: WasmTensor, { format, rounding, seed, offset, randomBits }: QuantizeAttributes): WasmTensor {
    const values = this.storage.download(x) as Float32Array;
    const options = { rounding, seed, offset, randomBits };
    const result = isTensorFormat(format) ? format.quantize(values, { ...options, shape: x.shape }) : format.quantize(values, options);
    return this.storage.upload(result, x.shape, 'float32');
  }
}
