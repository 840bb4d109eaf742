/**
 * `micro`: kernel and training-step speed, side by side in one run: this project's wasm SIMD
 * backend (the baseline) and reference JavaScript backend, PyTorch CPU (when a python3 with torch
 * exists; src/peers/pytorch.ts) and TensorFlow.js' wasm backend (src/peers/tfjs.ts). Every system
 * runs the same workload list (src/peers/workloads.ts: the same shapes under the same names):
 * quantize float32 to E4M3 (nearest-even, stochastic), GEMM, LeNet-5's second convolution and a
 * ResNet-18 CIFAR 3x3 convolution, and training steps (forward, backward, optimizer step) of
 * LeNet-5 in float32 and with an emulated FP8 plan, ResNet-18 CIFAR and Larq's MNIST BNN with Bop.
 * `ratio` = value / lowbit-wasm's value for the same benchmark (throughputs: > 1 is faster).
 * The full size interleaves workloads (each workload on every system, then the next) so that
 * changes in the machine's load during the run hit every system alike.
 */
import { availableParallelism, loadavg } from 'node:os';
import { getBackend, type Backend } from '@lowbit/tensor';
import { measureLowbit } from '../peers/lowbit.js';
import { measurePytorch, type PyTorchResult } from '../peers/pytorch.js';
import { measureTfjs } from '../peers/tfjs.js';
import type { SystemResult, Timing, Workload } from '../peers/workloads.js';
import type { BenchmarkResult } from '../results/types.js';
import { formatTable } from '../table.js';
import type { Experiment, ExperimentContext, ExperimentOutcome } from './types.js';

export interface MicroConfig {
  /** float32 values per quantize call. */
  quantizeElements: number;
  gemmSize: number;
  /** Batch of LeNet-5's second convolution, [batch, 6, 14, 14] * [16, 6, 5, 5]. */
  lenetConvBatch: number;
  /** Batch of the ResNet-18 CIFAR layer1 convolution, [batch, 64, 32, 32] * [64, 64, 3, 3], padding 1. */
  resnetConvBatch: number;
  lenetBatch: number;
  resnetBatch: number;
  bnnBatch: number;
  /** Every measurement: one warm-up call, then until both limits are reached; the median is reported. */
  timing: Timing;
  /** Whether to time the ResNet-18 training step (seconds per step; --quick leaves it out). */
  resnetStep: boolean;
  /** Timed calls of a ResNet-18 training step: after one warm-up, no minimum duration. */
  resnetStepRepetitions: number;
  /** A system whose warm-up ResNet-18 step takes longer is not timed further (reported as skipped, with the time). */
  resnetStepBudgetSeconds: number;
  /** The reference backend quantizes this many times fewer values (throughputs, so comparable) and skips the ResNet-18 step. */
  referenceShrink: number;
  /**
   * Run each workload on every system before the next workload, so that load changes during the run hit every system
   * alike (the PyTorch peer then starts one Python per workload, ~1-3 s each); false runs each system's whole list at once.
   */
  interleave: boolean;
  peers: {
    /** The lowbit reference JavaScript backend. */
    reference: boolean;
    pytorch: boolean;
    tfjs: boolean;
    /** TF.js' ResNet-18 step (its Conv2DBackpropInput is slow: tens of seconds per step). */
    tfjsResnetStep: boolean;
  };
}

export const microConfig: MicroConfig = {
  quantizeElements: 1 << 24,
  gemmSize: 512,
  lenetConvBatch: 64,
  resnetConvBatch: 32,
  lenetBatch: 64,
  resnetBatch: 32,
  bnnBatch: 64,
  timing: { minimumSeconds: 1, minimumRepetitions: 3 },
  resnetStep: true,
  resnetStepRepetitions: 3,
  resnetStepBudgetSeconds: 120,
  referenceShrink: 4,
  interleave: true,
  peers: { reference: true, pytorch: true, tfjs: true, tfjsResnetStep: true },
};

/** --quick: tiny shapes for a smoke test (seconds; the numbers mean nothing). */
export const microSmokeConfig: MicroConfig = {
  quantizeElements: 1 << 16,
  gemmSize: 64,
  lenetConvBatch: 4,
  resnetConvBatch: 1,
  lenetBatch: 8,
  resnetBatch: 2,
  bnnBatch: 8,
  timing: { minimumSeconds: 0.05, minimumRepetitions: 2 },
  resnetStep: false,
  resnetStepRepetitions: 1,
  resnetStepBudgetSeconds: 30,
  referenceShrink: 1,
  interleave: false,
  peers: { reference: true, pytorch: true, tfjs: true, tfjsResnetStep: true },
};

export interface MicroOptions {
  /** Python executables the PyTorch peer tries (tests inject missing ones); default: see peers/pytorch.ts. */
  pythons?: readonly string[];
}

export function microWorkloads(config: MicroConfig): Workload[] {
  const e4m3 = 'float8_e4m3fn' as const;
  const slow: Timing = { minimumSeconds: 0, minimumRepetitions: config.resnetStepRepetitions, budgetSeconds: config.resnetStepBudgetSeconds };
  return [
    { kind: 'quantize', name: `quantize float32->${e4m3} nearest-even`, elements: config.quantizeElements, format: e4m3, rounding: 'nearest-even' },
    { kind: 'quantize', name: `quantize float32->${e4m3} stochastic`, elements: config.quantizeElements, format: e4m3, rounding: 'stochastic' },
    { kind: 'gemm', name: `gemm ${config.gemmSize}x${config.gemmSize}x${config.gemmSize}`, size: config.gemmSize },
    { kind: 'conv', name: `conv2d lenet5.conv2 6->16 5x5 @14 batch ${config.lenetConvBatch}`, batch: config.lenetConvBatch, inChannels: 6, outChannels: 16, size: 14, kernel: 5, stride: 1, padding: 0 },
    { kind: 'conv', name: `conv2d resnet18 layer1 3x3 64->64 @32 batch ${config.resnetConvBatch}`, batch: config.resnetConvBatch, inChannels: 64, outChannels: 64, size: 32, kernel: 3, stride: 1, padding: 1 },
    { kind: 'step', name: `lenet5 training step float32 batch ${config.lenetBatch}`, model: 'lenet5', batch: config.lenetBatch, precision: 'float32' },
    { kind: 'step', name: `lenet5 training step fp8 e4m3/e5m2 batch ${config.lenetBatch}`, model: 'lenet5', batch: config.lenetBatch, precision: 'fp8' },
    ...(config.resnetStep
      ? [{ kind: 'step', name: `resnet18-cifar training step float32 batch ${config.resnetBatch}`, model: 'resnet18-cifar', batch: config.resnetBatch, precision: 'float32', timing: slow } as const]
      : []),
    { kind: 'step', name: `bnn larq-mnist training step (bop+adam) batch ${config.bnnBatch}`, model: 'bnn-larq-mnist', batch: config.bnnBatch, precision: 'float32' },
  ];
}

const load = () => `${loadavg()[0].toFixed(2)} on ${availableParallelism()} cores`;

/** Skip reasons, one line per system and reason. */
function skipNotes(results: readonly SystemResult[]): string[] {
  return results.flatMap(({ system, skipped }) => {
    const byReason = new Map<string, string[]>();
    for (const { name, reason } of skipped) byReason.set(reason, [...(byReason.get(reason) ?? []), name]);
    return [...byReason].map(([reason, names]) => `${system} skipped ${names.join(', ')}: ${reason}`);
  });
}

/** One system; with config.interleave it gets one workload at a time, so that every system sees the same machine load. */
interface Runner {
  result: SystemResult;
  run(workloads: Workload[]): Promise<SystemResult>;
}

function runner(system: string, run: Runner['run']): Runner {
  return { result: { system, measurements: [], skipped: [], notes: [] }, run };
}

function merge(into: SystemResult, part: SystemResult): void {
  if (part.measurements.length > 0 || into.measurements.length === 0) into.system = part.system;
  into.measurements.push(...part.measurements);
  into.skipped.push(...part.skipped);
  for (const note of part.notes) if (!into.notes.includes(note)) into.notes.push(note);
}

function pytorchRunner(context: ExperimentContext, config: MicroConfig, options: MicroOptions): Runner {
  let pythons = options.pythons;
  let unavailable: PyTorchResult | undefined;
  return runner('pytorch', async (workloads) => {
    // No python with torch: found out once, then every workload is skipped for the same reason without spawning again.
    if (unavailable !== undefined) return { ...unavailable, skipped: workloads.map((w) => ({ name: w.name, reason: unavailable!.skipped[0].reason })), notes: [] };
    const result = await measurePytorch(workloads, { timing: config.timing, seed: context.seed, threads: context.backend.threads, pythons });
    if (result.status === 'skipped') unavailable = result;
    if (result.python !== undefined) pythons = [result.python];
    return result;
  });
}

export async function runMicro(context: ExperimentContext, config: MicroConfig = context.quick ? microSmokeConfig : microConfig, options: MicroOptions = {}): Promise<ExperimentOutcome> {
  const workloads = microWorkloads(config);
  const loadAtStart = load();
  const wasm = getBackend();
  const runners: Runner[] = [];
  const lowbit = (system: string, backend: Backend, shrink: number, skip?: (w: Workload) => string | undefined) =>
    runners.push(runner(system, (ws) => measureLowbit(ws, { system, backend, timing: config.timing, seed: context.seed, quantizeShrink: shrink, skip })));
  if (wasm.name !== 'reference') lowbit(`lowbit-wasm (${context.backend.threads} threads)`, wasm, 1);
  if (config.peers.reference || wasm.name === 'reference') {
    const tooSlow = (w: Workload) => (wasm.name !== 'reference' && w.kind === 'step' && w.model === 'resnet18-cifar' ? 'the reference backend takes minutes per ResNet-18 step (~10x the wasm backend)' : undefined);
    lowbit('lowbit-reference (JavaScript)', getBackend('reference'), config.referenceShrink, tooSlow);
  }
  if (config.peers.pytorch) runners.push(pytorchRunner(context, config, options));
  if (config.peers.tfjs) {
    const skip = (w: Workload) => (w.kind === 'step' && w.model === 'resnet18-cifar' && !config.peers.tfjsResnetStep ? 'left out by config (peers.tfjsResnetStep: false)' : undefined);
    runners.push(runner('tfjs-wasm', (ws) => measureTfjs(ws, { timing: config.timing, seed: context.seed, skip })));
  }
  const rounds = config.interleave ? workloads.map((w) => [w]) : [workloads];
  const task = context.progress.start('micro', runners.length * rounds.length);
  let done = 0;
  for (const round of rounds) {
    for (const each of runners) {
      task.update(done++, `${round.length === 1 ? round[0].name : 'all workloads'} (${each.result.system})`);
      merge(each.result, await each.run(round));
    }
  }
  task.stop();
  const results = runners.map((each) => each.result);

  const baseline = new Map(results[0].measurements.map((m) => [m.name, m.value]));
  const order = new Map(workloads.map((w, index) => [w.name, index]));
  const benchmarks: BenchmarkResult[] = results
    .flatMap(({ system, measurements }) =>
      measurements.map((m) => ({ name: m.name, system, value: m.value, unit: m.unit, ratio: baseline.has(m.name) ? m.value / baseline.get(m.name)! : null })),
    )
    .sort((a, b) => order.get(a.name)! - order.get(b.name)!); // stable: systems stay in run order within a benchmark
  const table = formatTable(
    ['benchmark', 'system', 'value', 'unit', 'ratio'],
    benchmarks.map((b) => [b.name, b.system, b.value.toPrecision(4), b.unit, b.ratio === null ? '' : `${b.ratio.toFixed(3)}x`]),
  );
  const notes = [
    `ratio = value / ${results[0].system}'s value for the same benchmark; every unit is a throughput (> 1 is faster)`,
    `load average (1 min) ${loadAtStart} at the start, ${load()} at the end: other work on the machine slows every system, so compare ratios of one run`,
    `quantize, GEMM and convolutions: every system runs the op and frees its result without copying it out (all three finish a CPU op before it returns)`,
    `quantize: ${config.quantizeElements} float32 values per call; steps are forward + backward + optimizer step (SGD momentum 0.9; the BNN: Bop on the +-1 weights, Adam on the batch-norm shifts; lowbit's optimizers with statistics: false), examples/s = batch / seconds per step`,
    ...(config.resnetStep ? [] : ['the ResNet-18 training step is left out of this size (config resnetStep: false; seconds per step)']),
    'fp8 step: E4M3 (float8_e4m3fn) weights and layer inputs forward, E5M2 errors and weight gradients backward on every conv/linear layer, float32 master weights',
    ...results.flatMap((r) => r.notes),
    ...skipNotes(results),
  ];
  return { config: { ...config, workloads }, runs: [], benchmarks, notes, table };
}

export const microExperiment: Experiment = {
  name: 'micro',
  description: 'quantize, GEMM, convolution and LeNet-5 / ResNet-18 / BNN training steps: lowbit wasm vs reference backend, PyTorch CPU and TF.js wasm, as ratios',
  run: (context) => runMicro(context),
};
