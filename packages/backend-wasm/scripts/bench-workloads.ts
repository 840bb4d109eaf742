/**
 * Workloads of scripts/bench.ts, written against the `Backend` interface so that the reference
 * backend and the wasm backend run exactly the same work in one process: the GEMM and ResNet-18
 * convolution workloads are @lowbit/tensor's (exported from `@lowbit/tensor/testing`), renamed.
 *
 * Rates: GEMM and convolution count 2·m·n·k operations (convolution: m = outChannels, n = batch
 * · outHeight · outWidth, k = inChannels · kernelHeight · kernelWidth); quantize counts elements.
 * A measurement is the median of timed runs after warm-up runs.
 */
import { readFileSync } from 'node:fs';
import { floatFormat, mxFormat, type ElementFormat, type TensorFormat } from '@lowbit/formats';
import type { Backend, Pool2dAttributes } from '@lowbit/tensor';
import {
  convWorkload as sharedConvWorkload, gemmWorkload as sharedGemmWorkload, release, spreadValues, type ConvLayer, type ConvPass,
} from '@lowbit/tensor/testing';

export {
  CONV_PASSES, RESNET18_CIFAR_LAYERS, convAttributes, convFlops, spreadValues, type ConvLayer, type ConvPass,
} from '@lowbit/tensor/testing';

/**
 * The two convolutions of LeNet-5 on MNIST (28x28, 5x5 kernels; conv1 padded to keep 28x28):
 * thin GEMMs (m = 6 or 16 output channels, k = 25 or 150 taps), and weight gradients whose depth
 * is batch x pixels.
 */
export const LENET5_LAYERS: readonly ConvLayer[] = [
  { name: 'lenet conv1 1->6 5x5 p2 @28', inChannels: 1, outChannels: 6, size: 28, kernel: 5, stride: 1, padding: 2 },
  { name: 'lenet conv2 6->16 5x5 @14', inChannels: 6, outChannels: 16, size: 14, kernel: 5, stride: 1, padding: 0 },
];
/** The batch of a LeNet-5 training step in the profile these workloads come from. */
export const LENET5_BATCH = 64;

export interface Workload {
  readonly name: string;
  /** Operations (GFLOP/s) or elements (G elements/s) of one run. */
  readonly work: number;
  run(): void;
  /** Frees the inputs. */
  release?(): void;
}

export interface Measurement {
  readonly name: string;
  readonly seconds: number;
  /** work / seconds / 1e9. */
  readonly rate: number;
  /** The rate of the fastest run: on a busy machine the closest to what the code can do. */
  readonly best: number;
}

/** Median of `repetitions` timed runs after `warmup` runs. Workload functions take their data as parameters (V8 specialises closures). */
export function measure(workload: Workload, repetitions: number, warmup = 1): Measurement {
  for (let i = 0; i < warmup; i++) workload.run();
  const times: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    const start = performance.now();
    workload.run();
    times.push((performance.now() - start) / 1000);
  }
  workload.release?.();
  times.sort((a, b) => a - b);
  const seconds = times[Math.floor(times.length / 2)];
  return { name: workload.name, seconds, rate: workload.work / seconds / 1e9, best: workload.work / times[0] / 1e9 };
}

/** The shared workload under the name this bench prints. */
const named = (workload: Workload, name: string): Workload => ({ name, work: workload.work, run: workload.run, release: workload.release });

export function gemmWorkload(backend: Backend, size: number): Workload {
  return named(sharedGemmWorkload(backend, size, size, size), `${backend.name} gemm ${size}`);
}

export function convWorkload(backend: Backend, layer: ConvLayer, pass: ConvPass, batch: number): Workload {
  return named(sharedConvWorkload(backend, layer, pass, batch), `${backend.name} conv ${layer.name} ${pass}`);
}

export const FLOAT8_E4M3FN = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn' });
export const MXFP8_E4M3 = mxFormat('mxfp8_e4m3');

export function quantizeWorkload(backend: Backend, rounding: 'nearest-even' | 'stochastic', elements: number, values: Float32Array,
  format: ElementFormat | TensorFormat = FLOAT8_E4M3FN): Workload {
  const x = backend.upload(values, [elements], 'float32');
  const attributes = { format, rounding, seed: 1, offset: 0, randomBits: 32 };
  return {
    name: `${backend.name} quantize ${format.name} ${rounding} (${elements / 2 ** 20}M)`,
    work: elements,
    run: () => release(backend, backend.kernels.quantize(x, attributes)),
    release: () => release(backend, x),
  };
}

/** formats' own quantize of a tensor format (JavaScript), on a Float32Array. */
export function formatsQuantizeWorkload(format: TensorFormat, rounding: 'nearest-even' | 'stochastic', values: Float32Array): Workload {
  const options = { rounding, seed: 1, offset: 0, randomBits: 32, shape: [values.length] };
  return { name: `formats quantize ${format.name} ${rounding} (${values.length / 2 ** 20}M)`, work: values.length, run: () => void format.quantize(values, options) };
}

/** memory.copy in the kernels' module (wasm/lowbit.wasm exports copyMemory), over its own memory. */
export function wasmCopyWorkload(values: Float32Array): Workload {
  const bytes = values.length * 4;
  const memory = new WebAssembly.Memory({ initial: Math.ceil((2 * bytes + (1 << 20)) / 65536), maximum: 65536, shared: true });
  const module = new WebAssembly.Module(readFileSync(new URL('../wasm/lowbit.wasm', import.meta.url)));
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as { heapBase(): number; copyMemory(to: number, from: number, bytes: number): void };
  const source = Math.ceil(exports.heapBase() / 64) * 64;
  new Float32Array(memory.buffer, source, values.length).set(values);
  const copyMemory = exports.copyMemory;
  return { name: `memcpy wasm (memory.copy, ${values.length / 2 ** 20}M)`, work: values.length, run: () => copyMemory(source + bytes, source, bytes) };
}

/**
 * Workloads of `--only ops`: the kernels that used to run the reference backend's JavaScript, the
 * reductions training does most (batch norm statistics and convolution bias gradients: sums over
 * axes [0, 2, 3] of NCHW, ResNet-18's first stage and LeNet-5's first convolution) and LeNet-5's
 * first max pooling (a fifth of its training step before the branchless SIMD kernel).
 */
export const OPS_WORKLOADS = [
  { op: 'pow', shape: [256, 128, 128] },
  { op: 'where', shape: [256, 128, 128] },
  { op: 'argmax over axis 0', shape: [256, 128, 128] },
  { op: 'sum over axes [0, 2]', shape: [256, 128, 128] },
  { op: 'sum over axes [0, 2, 3]', shape: [32, 64, 32, 32] },
  { op: 'sum over axes [0, 2, 3]', shape: [64, 6, 28, 28] },
  { op: 'maxPool2d 2x2 stride 2', shape: [64, 6, 28, 28] },
  { op: 'maxPool2dBackward 2x2 stride 2', shape: [64, 6, 28, 28] },
] as const;

export type OpsWorkload = (typeof OPS_WORKLOADS)[number];

/** Values a workload reads (its work). */
export function opValues({ shape }: OpsWorkload): number {
  return shape.reduce((p: number, d: number) => p * d, 1);
}

/** where selects between two tensors with a comparison mask. */
export function opWorkload(backend: Backend, workload: OpsWorkload): Workload {
  const { op, shape } = workload;
  if (op.startsWith('maxPool2d')) return poolWorkload(backend, workload);
  const size = opValues(workload);
  const values = (seed: number) => Float32Array.from(spreadValues(size, seed), (v) => Math.abs(v) + 0.5);
  const [a, b] = [values(1), values(2)].map((data) => backend.upload(data, shape, 'float32'));
  const condition = backend.kernels.greater(a, b, { outShape: shape });
  const reduced = (axes: number[]) => ({ axes, keepDims: false, outShape: shape.filter((_, axis) => !axes.includes(axis)) });
  const run = (): void => {
    if (op === 'pow') release(backend, backend.kernels.pow(a, b, { outShape: shape }));
    else if (op === 'where') release(backend, backend.kernels.where(condition, a, b, { outShape: shape }));
    else if (op === 'argmax over axis 0') release(backend, backend.kernels.argmax(a, reduced([0])));
    else if (op === 'sum over axes [0, 2]') release(backend, backend.kernels.sum(a, reduced([0, 2])));
    else release(backend, backend.kernels.sum(a, reduced([0, 2, 3])));
  };
  return { name: `${backend.name} ${op} [${shape}]`, work: size, run, release: () => release(backend, a, b, condition) };
}

/**
 * Max pooling 2x2 stride 2 of an NCHW input (LeNet-5's first: [64, 6, 28, 28] -> [64, 6, 14, 14]),
 * forward or backward, on random values (a branch on `value > best` mispredicts there).
 */
function poolWorkload(backend: Backend, workload: OpsWorkload): Workload {
  const [batch, channels, height, width] = workload.shape as readonly number[];
  const inShape = [batch, channels, height, width] as const;
  const outShape = [batch, channels, height / 2, width / 2] as const;
  const attributes: Pool2dAttributes = { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0, 0, 0], inShape, outShape };
  const x = backend.upload(spreadValues(opValues(workload), 3), inShape, 'float32');
  const dy = backend.upload(spreadValues(opValues(workload) / 4, 4), outShape, 'float32');
  const backward = workload.op.startsWith('maxPool2dBackward');
  const run = (): void => {
    release(backend, backward ? backend.kernels.maxPool2dBackward(dy, x, attributes) : backend.kernels.maxPool2d(x, attributes));
  };
  return { name: `${backend.name} ${workload.op} [${workload.shape}]`, work: opValues(workload), run, release: () => release(backend, x, dy) };
}
