/**
 * `micro`: kernel and training-step speed of this project on its two backends, the wasm SIMD
 * backend (the default) and the reference JavaScript backend, on the same machine in the same run.
 * Each benchmark reports `ratio` = system value / lowbit-wasm value (so for throughputs < 1 means
 * slower than lowbit-wasm). PyTorch and TensorFlow.js peers (issue 10) are not measured yet.
 */
import { parseFormat } from '@lowbit/formats';
import { lenet5 } from '@lowbit/models';
import { crossEntropy, type QuantizationPlan } from '@lowbit/nn';
import { sgd } from '@lowbit/optim';
import { conv2d, getBackend, matmul, quantize, randomNormal, setBackend, tensor, type Backend, type Tensor } from '@lowbit/tensor';
import { relieveMemoryPressure } from '../memory-pressure.js';
import type { BenchmarkResult } from '../results/types.js';
import { formatTable } from '../table.js';
import type { Experiment, ExperimentContext, ExperimentOutcome } from './types.js';

export interface MicroConfig {
  quantizeElements: number;
  gemmSize: number;
  /** LeNet-5's second convolution: [batch, 6, 14, 14] * [16, 6, 5, 5]. */
  convBatch: number;
  stepBatch: number;
  /** Each measurement repeats until at least this long, after one warm-up call. */
  minimumSeconds: number;
  /** The reference backend is ~10x slower: it runs these sizes divided by this factor where the size is free. */
  referenceShrink: number;
}

export const microConfig: MicroConfig = { quantizeElements: 1 << 22, gemmSize: 512, convBatch: 64, stepBatch: 64, minimumSeconds: 1, referenceShrink: 4 };
export const microSmokeConfig: MicroConfig = { quantizeElements: 1 << 16, gemmSize: 64, convBatch: 4, stepBatch: 8, minimumSeconds: 0.05, referenceShrink: 1 };

/** Median seconds per call of `work` (which must finish its result, e.g. by reading it back). */
async function timeCall(work: () => void, minimumSeconds: number): Promise<number> {
  work();
  const samples: number[] = [];
  const started = performance.now();
  while (samples.length < 3 || (performance.now() - started) / 1000 < minimumSeconds) {
    const begin = performance.now();
    work();
    samples.push((performance.now() - begin) / 1000);
    await relieveMemoryPressure();
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

function finish(result: Tensor): void {
  result.toArray(); // reading back makes sure the kernel finished
  result.dispose();
}

interface Measurement {
  name: string;
  unit: string;
  value: number;
}

async function measureBackend(backend: Backend, config: MicroConfig, shrink: number, seed: number): Promise<Measurement[]> {
  const e4m3 = parseFormat('float8_e4m3fn');
  const measurements: Measurement[] = [];
  const elements = Math.max(1024, Math.floor(config.quantizeElements / shrink));
  const values = randomNormal([elements], { seed, backend });
  for (const rounding of ['nearest-even', 'stochastic'] as const) {
    const seconds = await timeCall(() => finish(quantize(values, e4m3, { rounding, seed })), config.minimumSeconds);
    measurements.push({ name: `quantize float8_e4m3fn ${rounding}`, unit: 'G elements/s', value: elements / seconds / 1e9 });
  }
  const n = config.gemmSize;
  const a = randomNormal([n, n], { seed, backend });
  const b = randomNormal([n, n], { seed: seed + 1, backend });
  const gemmSeconds = await timeCall(() => finish(matmul(a, b)), config.minimumSeconds);
  measurements.push({ name: `gemm ${n}x${n}x${n}`, unit: 'GFLOP/s', value: (2 * n ** 3) / gemmSeconds / 1e9 });
  const x = randomNormal([config.convBatch, 6, 14, 14], { seed, backend });
  const filter = randomNormal([16, 6, 5, 5], { seed: seed + 2, backend });
  const convSeconds = await timeCall(() => finish(conv2d(x, filter)), config.minimumSeconds);
  measurements.push({ name: `conv2d lenet5.conv2 batch ${config.convBatch}`, unit: 'GFLOP/s', value: (2 * config.convBatch * 16 * 10 * 10 * 6 * 25) / convSeconds / 1e9 });
  for (const [label, plan] of [
    ['float32', undefined],
    ['fp8 e4m3/e5m2', { layers: { weights: 'float8_e4m3fn', inputs: 'float8_e4m3fn', errors: 'float8_e5m2', weightGradients: 'float8_e5m2' } }],
  ] as [string, QuantizationPlan | undefined][]) {
    // setBackend, not withBackend: the timing loop awaits, and every tensor the step creates must stay on this backend.
    const previous = getBackend();
    setBackend(backend);
    const stepSeconds = await (async () => {
      const model = lenet5({ seed, quantization: plan });
      const optimizer = sgd({ learningRate: 0.01, momentum: 0.9 }).create(model.namedParameters());
      const images = randomNormal([config.stepBatch, 1, 28, 28], { seed });
      const labels = tensor(Int32Array.from({ length: config.stepBatch }, (_, i) => i % 10), [config.stepBatch]);
      return timeCall(() => {
        optimizer.zeroGrad();
        const loss = crossEntropy(model.forward(images), labels);
        loss.backward();
        optimizer.step();
        loss.item();
      }, config.minimumSeconds);
    })().finally(() => setBackend(previous));
    measurements.push({ name: `lenet5 training step ${label} batch ${config.stepBatch}`, unit: 'steps/s', value: 1 / stepSeconds });
  }
  return measurements;
}

export async function runMicro(context: ExperimentContext, config: MicroConfig = context.quick ? microSmokeConfig : microConfig): Promise<ExperimentOutcome> {
  const wasm = getBackend();
  const systems: { system: string; backend: Backend; shrink: number }[] = [];
  if (wasm.name !== 'reference') systems.push({ system: `lowbit-wasm (${context.backend.threads} threads)`, backend: wasm, shrink: 1 });
  systems.push({ system: 'lowbit-reference (JavaScript)', backend: getBackend('reference'), shrink: config.referenceShrink });
  const task = context.progress.start('micro', systems.length);
  const bySystem: { system: string; measurements: Measurement[] }[] = [];
  for (const [index, { system, backend, shrink }] of systems.entries()) {
    bySystem.push({ system, measurements: await measureBackend(backend, config, shrink, context.seed) });
    task.update(index + 1, system);
  }
  task.stop();
  const baseline = new Map(bySystem[0].measurements.map((m) => [m.name, m.value]));
  const benchmarks: BenchmarkResult[] = bySystem.flatMap(({ system, measurements }) =>
    measurements.map((m) => ({ name: m.name, system, value: m.value, unit: m.unit, ratio: baseline.has(m.name) ? m.value / baseline.get(m.name)! : null })),
  );
  const table = formatTable(
    ['benchmark', 'system', 'value', 'unit', 'ratio'],
    benchmarks.map((b) => [b.name, b.system, b.value.toPrecision(4), b.unit, b.ratio === null ? '' : `${b.ratio.toFixed(3)}x`]),
  );
  const notes = [
    'ratio = value / the first system\'s value for the same benchmark (lowbit-wasm when the wasm backend loaded)',
    ...(config.referenceShrink > 1 ? [`the reference backend quantizes ${config.referenceShrink}x fewer elements (throughput units, so comparable)`] : []),
    'PyTorch CPU and TensorFlow.js peers are not measured yet (issue 10)',
  ];
  return { config: { ...config }, runs: [], benchmarks, notes, table };
}

export const microExperiment: Experiment = {
  name: 'micro',
  description: 'quantize, GEMM, convolution and a LeNet-5 training step: wasm vs reference backend (PyTorch/TF.js peers not yet)',
  status: 'ready',
  run: (context) => runMicro(context),
};
