/**
 * Workloads of scripts/bench.ts, written against the `Backend` interface so that the reference
 * backend and the wasm backend run exactly the same work in one process: the GEMM and ResNet-18
 * convolution workloads are @lowbit/tensor's (exported from `@lowbit/tensor/testing`), renamed.
 *
 * Rates: GEMM and convolution count 2·m·n·k operations (convolution: m = outChannels, n = batch
 * · outHeight · outWidth, k = inChannels · kernelHeight · kernelWidth); quantize counts elements.
 * A measurement is the median of timed runs after warm-up runs.
 */
import { floatFormat } from '@lowbit/formats';
import type { Backend } from '@lowbit/tensor';
import {
  convWorkload as sharedConvWorkload, gemmWorkload as sharedGemmWorkload, release, type ConvLayer, type ConvPass,
} from '@lowbit/tensor/testing';

export {
  CONV_PASSES, RESNET18_CIFAR_LAYERS, convAttributes, convFlops, spreadValues, type ConvLayer, type ConvPass,
} from '@lowbit/tensor/testing';

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
