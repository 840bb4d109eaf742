/**
 * Benchmark workloads of the compute kernels, shared by the vitest benches (*.bench.ts) and
 * scripts/bench-kernels.ts, and written against the `Backend` interface so another backend (wasm)
 * can run the very same workloads in the same process and report its speed-up.
 *
 * Rates: GEMM and convolution count 2·m·n·k floating-point operations (one multiply and one add
 * per term; convolution: m = outChannels/groups, n = batch·outHeight·outWidth, k = inChannels/groups
 * ·kernelHeight·kernelWidth, per group); quantize counts elements. The figure reported is the
 * median of the timed repetitions after warm-up runs, because this VM varies by up to 25 % between
 * runs (see shared/wasm-notes.md): compare ratios measured in the same run.
 */
import type { Backend, KernelTensor } from '../kernels/contract.js';
import { SeededRandom } from '../testing/random.js';

export type RateUnit = 'GFLOP/s' | 'G elements/s';

export interface Workload {
  readonly name: string;
  /** Operations (GFLOP/s) or elements (G elements/s) done by one run. */
  readonly work: number;
  readonly unit: RateUnit;
  /** One run. Inputs are prepared when the workload is created; results are released. */
  run(): void;
  /** Frees the inputs once the workload is done with (`measure` and the benches leave them). */
  release?(): void;
}

export interface Measurement {
  readonly workload: Workload;
  /** Median seconds per run of the timed repetitions. */
  readonly seconds: number;
  /** work / seconds / 1e9, in the workload's unit. */
  readonly rate: number;
  readonly repetitions: number;
}

/** Times `repetitions` runs after `warmup` runs (JIT tiers, caches, allocator) and takes the median. */
export function measure(workload: Workload, repetitions = 5, warmup = 1): Measurement {
  for (let i = 0; i < warmup; i++) workload.run();
  const times: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    const start = performance.now();
    workload.run();
    times.push((performance.now() - start) / 1000);
  }
  const seconds = median(times);
  return { workload, seconds, rate: workload.work / seconds / 1e9, repetitions };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** "3.52 GFLOP/s" style. */
export function formatRate(rate: number, unit: RateUnit): string {
  return `${rate.toFixed(rate < 10 ? 2 : 1)} ${unit}`;
}

/**
 * Options for vitest's `bench` that run the workload a fixed number of times (vitest's own table
 * shows times only) and print the median rate after the timed runs. Hooks are the only place
 * vitest bench runs code after a task; `afterAll` does not run in bench mode.
 */
export function benchOptions(workload: Workload, iterations: number) {
  const times: number[] = [];
  const timed = () => {
    const start = performance.now();
    workload.run();
    times.push((performance.now() - start) / 1000);
  };
  return {
    fn: timed,
    options: {
      iterations,
      time: 0,
      warmupIterations: 1,
      warmupTime: 0,
      teardown: (_task: unknown, mode: 'warmup' | 'run') => {
        if (mode === 'warmup') {
          times.length = 0;
          return;
        }
        const seconds = median(times);
        process.stdout.write(`  ${workload.name}: ${formatRate(workload.work / seconds / 1e9, workload.unit)} (median of ${times.length}, ${(seconds * 1000).toFixed(1)} ms)\n`);
      },
    },
  };
}

/** Uploads seeded uniform values in [-1, 1). */
export function randomTensor(backend: Backend, shape: readonly number[], seed: number): KernelTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return backend.upload(new SeededRandom(seed).values(size), shape, 'float32');
}

/** C = A·B (m x k times k x n) through the backend's matmul kernel. */
export function gemmWorkload(backend: Backend, m: number, n: number, k: number): Workload {
  const a = randomTensor(backend, [m, k], 1);
  const b = randomTensor(backend, [k, n], 2);
  const attributes = { transposeA: false, transposeB: false, outShape: [m, n] };
  return {
    name: `${backend.name} gemm ${m}x${n}x${k}`,
    work: 2 * m * n * k,
    unit: 'GFLOP/s',
    run: () => release(backend, backend.kernels.matmul(a, b, attributes)),
    release: () => release(backend, a, b),
  };
}

/**
 * The textbook triple loop (float64 dot product per element), the baseline the blocked GEMM is
 * compared with. Arrays are parameters, not captured, so V8 optimises it like the kernel.
 */
export function naiveGemm(m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * k + p] * b[p * n + j];
      c[i * n + j] = sum;
    }
  }
}

export function naiveGemmWorkload(size: number): Workload {
  const random = new SeededRandom(3);
  const [a, b, c] = [random.values(size * size), random.values(size * size), new Float32Array(size * size)];
  return {
    name: `naive gemm ${size}x${size}x${size}`,
    work: 2 * size ** 3,
    unit: 'GFLOP/s',
    run: () => naiveGemm(size, size, size, a, b, c),
  };
}

/** Frees kernel tensors on backends that manage their own memory. */
export function release(backend: Backend, ...tensors: KernelTensor[]): void {
  for (const tensor of tensors) backend.dispose?.(tensor);
}
