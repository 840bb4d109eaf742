/**
 * Workloads of scripts/bench.ts, written against the `Backend` interface so that the reference
 * backend and the wasm backend run exactly the same work in one process (the same definitions as
 * @lowbit/tensor's src/reference/*.workloads.ts, which that package does not export).
 *
 * Rates: GEMM and convolution count 2·m·n·k operations (convolution: m = outChannels, n = batch
 * · outHeight · outWidth, k = inChannels · kernelHeight · kernelWidth); quantize counts elements.
 * A measurement is the median of timed runs after warm-up runs.
 */
import { floatFormat } from '@lowbit/formats';
import type { Backend, Conv2dAttributes, KernelTensor } from '@lowbit/tensor';
import { SeededRandom } from '@lowbit/tensor/testing';

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

function upload(backend: Backend, shape: readonly number[], seed: number): KernelTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return backend.upload(new SeededRandom(seed).values(size), shape, 'float32');
}

function release(backend: Backend, ...tensors: KernelTensor[]): void {
  for (const tensor of tensors) backend.dispose?.(tensor);
}

export function gemmWorkload(backend: Backend, size: number): Workload {
  const a = upload(backend, [size, size], 1);
  const b = upload(backend, [size, size], 2);
  const attributes = { transposeA: false, transposeB: false, outShape: [size, size] };
  return {
    name: `${backend.name} gemm ${size}`,
    work: 2 * size ** 3,
    run: () => release(backend, backend.kernels.matmul(a, b, attributes)),
    release: () => release(backend, a, b),
  };
}

export interface ConvLayer {
  readonly name: string;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly size: number;
  readonly kernel: number;
  readonly stride: number;
}

const layer = (name: string, inChannels: number, outChannels: number, size: number, kernel: number, stride: number): ConvLayer => ({
  name, inChannels, outChannels, size, kernel, stride,
});

/** Every distinct convolution of ResNet-18 for CIFAR-10 (3x3 stem, four stages, 1x1 shortcuts). */
export const RESNET18_CIFAR_LAYERS: readonly ConvLayer[] = [
  layer('stem 3->64 3x3 @32', 3, 64, 32, 3, 1),
  layer('3x3 64->64 @32', 64, 64, 32, 3, 1),
  layer('3x3 64->128 s2 @32', 64, 128, 32, 3, 2),
  layer('1x1 64->128 s2 @32', 64, 128, 32, 1, 2),
  layer('3x3 128->128 @16', 128, 128, 16, 3, 1),
  layer('3x3 128->256 s2 @16', 128, 256, 16, 3, 2),
  layer('1x1 128->256 s2 @16', 128, 256, 16, 1, 2),
  layer('3x3 256->256 @8', 256, 256, 8, 3, 1),
  layer('3x3 256->512 s2 @8', 256, 512, 8, 3, 2),
  layer('1x1 256->512 s2 @8', 256, 512, 8, 1, 2),
  layer('3x3 512->512 @4', 512, 512, 4, 3, 1),
];

export type ConvPass = 'forward' | 'backward data' | 'backward filter';
export const CONV_PASSES: readonly ConvPass[] = ['forward', 'backward data', 'backward filter'];

export function convAttributes(layer: ConvLayer, batch: number): Conv2dAttributes {
  const padding = layer.kernel === 3 ? 1 : 0;
  const out = Math.floor((layer.size + 2 * padding - layer.kernel) / layer.stride) + 1;
  return {
    stride: [layer.stride, layer.stride],
    padding: [padding, padding, padding, padding],
    dilation: [1, 1],
    groups: 1,
    inShape: [batch, layer.inChannels, layer.size, layer.size],
    filterShape: [layer.outChannels, layer.inChannels, layer.kernel, layer.kernel],
    outShape: [batch, layer.outChannels, out, out],
  };
}

export function convFlops(attributes: Conv2dAttributes): number {
  const [, channels, kernelHeight, kernelWidth] = attributes.filterShape;
  return 2 * attributes.outShape.reduce((a, b) => a * b, 1) * channels * kernelHeight * kernelWidth;
}

export function convWorkload(backend: Backend, layer: ConvLayer, pass: ConvPass, batch: number): Workload {
  const attributes = convAttributes(layer, batch);
  const x = upload(backend, attributes.inShape, 1);
  const filter = upload(backend, attributes.filterShape, 2);
  const dy = upload(backend, attributes.outShape, 3);
  const { kernels } = backend;
  const run =
    pass === 'forward'
      ? () => release(backend, kernels.conv2d(x, filter, attributes))
      : pass === 'backward data'
        ? () => release(backend, kernels.conv2dBackwardData(dy, filter, attributes))
        : () => release(backend, kernels.conv2dBackwardFilter(x, dy, attributes));
  return { name: `${backend.name} conv ${layer.name} ${pass}`, work: convFlops(attributes), run, release: () => release(backend, x, filter, dy) };
}

/** Normal values times 2^e, e uniform in [-12, 8]: about a tenth fall below E4M3's normals. */
export function spreadValues(length: number, seed: number): Float32Array {
  const random = new SeededRandom(seed);
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) values[i] = random.normal() * 2 ** random.integer(-12, 8);
  return values;
}

export const FLOAT8_E4M3FN = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn' });

export function quantizeWorkload(backend: Backend, rounding: 'nearest-even' | 'stochastic', elements: number, values: Float32Array): Workload {
  const x = backend.upload(values, [elements], 'float32');
  const attributes = { format: FLOAT8_E4M3FN, rounding, seed: 1, offset: 0, randomBits: 32 };
  return {
    name: `${backend.name} quantize float8_e4m3fn ${rounding} (${elements / 2 ** 20}M)`,
    work: elements,
    run: () => release(backend, backend.kernels.quantize(x, attributes)),
    release: () => release(backend, x),
  };
}
