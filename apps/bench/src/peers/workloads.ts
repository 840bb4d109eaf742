/**
 * The `micro` workloads as plain data, shared by every system that runs them (lowbit's backends,
 * TensorFlow.js, and the PyTorch script, which receives them as JSON): one list, so every system
 * runs the same shapes under the same benchmark name. Also the timing rule every system follows.
 */

export type Rounding = 'nearest-even' | 'stochastic';
export type StepModel = 'lenet5' | 'resnet18-cifar' | 'bnn-larq-mnist';
/** 'fp8': E4M3 weights and layer inputs forward, E5M2 errors and weight gradients backward. */
export type StepPrecision = 'float32' | 'fp8';

/** How long each measurement runs; the PyTorch script follows the same rule. */
export interface Timing {
  /** Each measurement repeats until at least this long (and minimumRepetitions), after one warm-up call. */
  minimumSeconds: number;
  minimumRepetitions: number;
  /** When the warm-up call alone takes longer, the workload is not timed (OverBudgetError): for steps of tens of seconds. */
  budgetSeconds?: number;
}

/** The warm-up call took longer than the timing's budget: the system reports the workload as skipped, with this message. */
export class OverBudgetError extends Error {
  override name = 'OverBudgetError';
  constructor(
    readonly seconds: number,
    readonly budgetSeconds: number,
  ) {
    super(`one warm-up call took ${seconds.toFixed(1)} s, over the ${budgetSeconds} s budget: not timed`);
  }
}

/** `timing` overrides the run's timing for this workload (slow ones: a few repetitions, no minimum duration). */
export type Workload = { name: string; timing?: Timing } & (
  | { kind: 'quantize'; elements: number; format: 'float8_e4m3fn'; rounding: Rounding }
  | { kind: 'gemm'; size: number }
  | { kind: 'conv'; batch: number; inChannels: number; outChannels: number; size: number; kernel: number; stride: number; padding: number }
  | { kind: 'step'; model: StepModel; batch: number; precision: StepPrecision }
);

export type ConvWorkload = Extract<Workload, { kind: 'conv' }>;
export type StepWorkload = Extract<Workload, { kind: 'step' }>;

/** One system's number for one workload, in the workload's unit (see unitOf). */
export interface Measurement {
  name: string;
  unit: string;
  value: number;
}

/** What a system could not run, and why (never a number). */
export interface Skip {
  name: string;
  reason: string;
}

export interface SystemResult {
  system: string;
  measurements: Measurement[];
  skipped: Skip[];
  notes: string[];
}

export function unitOf(workload: Workload): string {
  if (workload.kind === 'quantize') return 'G elements/s';
  if (workload.kind === 'step') return 'examples/s';
  return 'GFLOP/s';
}

export function convOutSize(w: ConvWorkload): number {
  return Math.floor((w.size + 2 * w.padding - w.kernel) / w.stride) + 1;
}

/** Operations (2 per multiply-add) of one call of a GEMM or a convolution. */
export function flopsOf(workload: Workload): number {
  if (workload.kind === 'gemm') return 2 * workload.size ** 3;
  if (workload.kind === 'conv') return 2 * workload.batch * workload.outChannels * convOutSize(workload) ** 2 * workload.inChannels * workload.kernel ** 2;
  return 0;
}

/** The value in the workload's unit, from the median seconds of one call. */
export function rate(workload: Workload, seconds: number): number {
  if (workload.kind === 'quantize') return workload.elements / seconds / 1e9;
  if (workload.kind === 'step') return workload.batch / seconds;
  return flopsOf(workload) / seconds / 1e9;
}

export function measurement(workload: Workload, seconds: number): Measurement {
  return { name: workload.name, unit: unitOf(workload), value: rate(workload, seconds) };
}

/**
 * Median seconds per call of `work` (which must finish its result): one warm-up call, then calls
 * until both minimumRepetitions and minimumSeconds are reached. `between` runs outside the timed
 * part (e.g. letting finalizers free wasm memory). Throws OverBudgetError after a warm-up call
 * longer than timing.budgetSeconds.
 */
export async function timeCall(work: () => void, timing: Timing, between?: () => Promise<void>): Promise<number> {
  const warmupStarted = performance.now();
  work();
  const warmupSeconds = (performance.now() - warmupStarted) / 1000;
  if (timing.budgetSeconds !== undefined && warmupSeconds > timing.budgetSeconds) throw new OverBudgetError(warmupSeconds, timing.budgetSeconds);
  await between?.();
  const samples: number[] = [];
  const started = performance.now();
  while (samples.length < timing.minimumRepetitions || (performance.now() - started) / 1000 < timing.minimumSeconds) {
    const begin = performance.now();
    work();
    samples.push((performance.now() - begin) / 1000);
    await between?.();
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

export function emptyResult(system: string): SystemResult {
  return { system, measurements: [], skipped: [], notes: [] };
}
