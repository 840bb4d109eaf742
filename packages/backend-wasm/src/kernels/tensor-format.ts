/**
 * Tensor formats (scaled per tensor or channel, block-scaled, OCP MX) in wasm
 * (assembly/tensor-format.ts): amax per group, scales, then scale / element rounding / unscale in
 * one pass, all bit-identical to formats' makeTensorFormat. formats exports neither the grouping
 * (scaled/layout.ts) nor the scale chooser (scaled/scale-rule.ts): both are recomputed here from
 * the public spec, and src/kernels/tensor-format.test.ts compares the results bit for bit.
 */
import type { BlockSpec, ElementFormat, Rounding, ScaledSpec, TensorFormat } from '@lowbit/formats';
import type { Runtime } from '../runtime.js';
import type { Storage, WasmTensor } from '../storage.js';
import { elementJob, forEachRun, type ElementJob } from './element-jobs.js';

const PHASE_AMAX = 0;
const PHASE_SCALES = 1;
const PHASE_QUANTIZE = 2;
const RULES = { 'power-of-two': 0, e8m0: 1, real: 2 } as const;
const ELEMENT_BINARY = 2;
/** Byte offsets in the job (assembly/tensor-format.ts). */
const ELEMENT_MAX = 128;
const ELEMENT_JOB = 512;
/** Per-thread scratch: 2 KiB of job copy and constants, a chunk of 1024 values, its segment list. */
const SCRATCH_PER_THREAD = 2048 + 1024 * 4 + 1024 * 12 + 64;
const VALUES_PER_PART = 1 << 16;

/** formats' Grouping (scaled/layout.ts): x as [outer, axis, inner], group of value (o, j, r). */
export interface Grouping {
  outer: number;
  axisLength: number;
  inner: number;
  blockSize: number;
  outerStride: number;
  blockStride: number;
  innerStride: number;
  groupCount: number;
}

export interface TensorFormatParts {
  grouping: Grouping;
  element: ElementFormat;
  rule: keyof typeof RULES;
  margin: number;
}

const product = (sizes: readonly number[]) => sizes.reduce((p, d) => p * d, 1);

/** The grouping of formats' scaled and block formats, or undefined for any other TensorFormat. */
export function tensorFormatParts(format: TensorFormat, shape: readonly number[]): TensorFormatParts | undefined {
  const spec = format.spec as ScaledSpec | BlockSpec;
  const element = format.element;
  if ((spec.kind !== 'scaled' && spec.kind !== 'block') || !(spec.scale in RULES)) return undefined;
  if (element.spec.kind !== 'float' && element.spec.kind !== 'fixed' && element.spec.kind !== 'binary') return undefined;
  const parts = { element, rule: spec.scale, margin: spec.margin };
  const axisOf = (axis: number) => (axis < 0 ? axis + shape.length : axis);
  if (spec.kind === 'scaled' && spec.granularity === 'tensor') {
    const size = product(shape);
    return { ...parts, grouping: { outer: 1, axisLength: 1, inner: size, blockSize: 1, outerStride: 0, blockStride: 0, innerStride: 0, groupCount: 1 } };
  }
  // The op validated the axis against the shape (formats would throw otherwise).
  const axis = axisOf(spec.kind === 'scaled' ? (spec.axis ?? 0) : spec.axis);
  const outer = product(shape.slice(0, axis));
  const axisLength = shape[axis];
  const inner = product(shape.slice(axis + 1));
  if (spec.kind === 'scaled') {
    return { ...parts, grouping: { outer, axisLength, inner, blockSize: 1, outerStride: 0, blockStride: 1, innerStride: 0, groupCount: axisLength } };
  }
  const blocks = Math.ceil(axisLength / spec.blockSize);
  return {
    ...parts,
    grouping: { outer, axisLength, inner, blockSize: spec.blockSize, outerStride: blocks * inner, blockStride: inner, innerStride: 1, groupCount: outer * blocks * inner },
  };
}

const scratchFloat = new Float32Array(1);
const scratchBits = new Int32Array(scratchFloat.buffer);
const scratchDouble = new Float64Array(1);
const scratchWords = new Uint32Array(scratchDouble.buffer);

function float32Bits(value: number): number {
  scratchFloat[0] = value;
  return scratchBits[0];
}

/** floor(log2 value) from the float64 exponent field, exactly (formats' floorLog2). */
function floorLog2(value: number): number {
  scratchDouble[0] = value;
  return ((scratchWords[1] >>> 20) & 0x7ff) - 1023;
}

export class TensorFormatKernel {
  constructor(
    private readonly runtime: Runtime,
    private readonly storage: Storage,
  ) {}

  quantize(x: WasmTensor, { grouping, element, rule, margin }: TensorFormatParts, options: { rounding: Rounding; seed: number; offset: number; randomBits: number }): WasmTensor {
    const { runtime, storage } = this;
    const out = storage.allocate(x.shape);
    const count = x.handle.length;
    if (count === 0) return out;
    const job: ElementJob | undefined = element.spec.kind === 'binary' ? undefined : elementJob(element, options);
    const parts = runtime.partsFor(count, VALUES_PER_PART);
    const groups = grouping.groupCount;
    const scales = runtime.heap.allocate(groups * 4);
    try {
      runtime.heap.i32.fill(0, scales / 4, scales / 4 + groups);
      const scratch = runtime.scratch(SCRATCH_PER_THREAD * parts);
      const { axisLength, inner, blockSize, outerStride, blockStride, innerStride } = grouping;
      const { min, max } = element.range;
      const header = (phase: number, start: number, end: number) => {
        runtime.writeJob([
          phase, start, end, x.handle.address, out.handle.address, scales, axisLength, inner, blockSize, outerStride, blockStride, innerStride,
          groups, RULES[rule], margin, floorLog2(max), float32Bits(min), float32Bits(max), job?.kind ?? ELEMENT_BINARY, scratch, SCRATCH_PER_THREAD,
        ]);
        new Float64Array(runtime.heap.memory.buffer, runtime.job + ELEMENT_MAX, 2).set([max, 2 ** margin]);
      };
      header(PHASE_AMAX, 0, count);
      runtime.run('tensorFormatTask', parts);
      header(PHASE_SCALES, 0, count);
      runtime.run('tensorFormatTask', runtime.partsFor(groups * 16, VALUES_PER_PART));
      forEachRun(options.seed, options.offset, count, (start, end, run) => {
        header(PHASE_QUANTIZE, start, end);
        // Value i (absolute) draws counter counterBase + i: shift the run's base back by its start.
        job?.write(runtime.heap, runtime.job + ELEMENT_JOB, 0, 0, 0, { ...run, counterBase: (run.counterBase - start) | 0 });
        runtime.run('tensorFormatTask', runtime.partsFor(end - start, VALUES_PER_PART));
      });
    } finally {
      runtime.heap.free(scales);
    }
    return out;
  }
}
