/**
 * The `micro` workloads in this project, on one tensor backend (the wasm SIMD backend or the
 * reference JavaScript backend). Training steps are forward + backward + optimizer step:
 * SGD with momentum 0.9 for LeNet-5 and ResNet-18, and for the BNN Bop on the binary weights
 * (routeBy 'binary') with Adam on the batch-norm shifts, as @lowbit/optim's README shows.
 * `createTrainingStep` is that step, also what `profile` takes apart by phase and kernel.
 */
import { parseFormat } from '@lowbit/formats';
import { alexnet, larqMnistBnn, lenet5, resnet18 } from '@lowbit/models';
import { crossEntropy, type Module, type QuantizationPlan } from '@lowbit/nn';
import { adam, bop, routeBy, sgd, type OptimizerDefinition } from '@lowbit/optim';
import { conv2d, getBackend, matmul, quantize, randomNormal, setBackend, tensor, type Backend, type Tensor } from '@lowbit/tensor';
import { relieveMemoryPressure } from '../memory-pressure.js';
import { emptyResult, measurement, OverBudgetError, timeCall, type StepPrecision, type StepWorkload, type SystemResult, type Timing, type Workload } from './workloads.js';

/** The 8-bit plan of the fp8 steps: OCP E4M3 weights and layer inputs forward, E5M2 errors and weight gradients backward. */
export const FP8_PLAN: QuantizationPlan = { layers: { weights: 'float8_e4m3fn', inputs: 'float8_e4m3fn', errors: 'float8_e5m2', weightGradients: 'float8_e5m2' } };

export interface LowbitOptions {
  system: string;
  backend: Backend;
  timing: Timing;
  seed: number;
  /** Quantize runs this many times fewer elements (throughput units, so still comparable). Default 1. */
  quantizeShrink?: number;
  /** A reason to leave a workload out on this backend (e.g. too slow), or undefined to run it. */
  skip?: (workload: Workload) => string | undefined;
}

/**
 * Both lowbit backends run a kernel to completion before the op returns (PyTorch's CPU ops do too),
 * so the result is only freed: copying it out would time the copy (for quantize, more than the
 * rounding itself).
 */
function finish(result: Tensor): void {
  result.dispose();
}

/** The models whose training step lowbit builds: the micro workloads' (StepModel) and, for `profile`, AlexNet. */
export const LOWBIT_STEP_MODELS = ['lenet5', 'resnet18-cifar', 'bnn-larq-mnist', 'alexnet'] as const;
export type LowbitStepModel = (typeof LOWBIT_STEP_MODELS)[number];

export interface StepDefinition {
  model: LowbitStepModel;
  precision: StepPrecision;
  batch: number;
  seed: number;
}

/** The parts of a training step, in order: forward (zeroGrad, forward, loss), backward, optimizer (step, loss read back). */
export type StepPhase = 'forward' | 'backward' | 'optimizer';

export interface TrainingStep {
  /** One training step on a fixed random batch; `onPhaseEnd` is called as each phase ends (for profiling). */
  run(onPhaseEnd?: (phase: StepPhase) => void): void;
}

function buildStep(model: LowbitStepModel, precision: StepPrecision, seed: number): { model: Module; optimizer: OptimizerDefinition; inputShape: number[] } {
  const plan = precision === 'fp8' ? FP8_PLAN : undefined;
  // statistics: false: the per-step diagnostics (lost updates, Gavg, unchanged momentum) are not part of a training step's
  // cost in other frameworks (with them, ResNet-18's SGD step takes ~7x longer here).
  const momentumSgd = sgd({ learningRate: 0.01, momentum: 0.9, statistics: false });
  switch (model) {
    case 'lenet5':
      return { model: lenet5({ seed, quantization: plan }), optimizer: momentumSgd, inputShape: [1, 28, 28] };
    case 'resnet18-cifar':
      return { model: resnet18({ seed, stem: 'cifar', quantization: plan }), optimizer: momentumSgd, inputShape: [3, 32, 32] };
    case 'alexnet':
      return { model: alexnet({ seed, quantization: plan }), optimizer: momentumSgd, inputShape: [3, 32, 32] };
    case 'bnn-larq-mnist': {
      const optimizer = routeBy({
        routes: [
          { name: 'bop', select: 'binary', optimizer: bop({ threshold: 1e-8, adaptivity: 1e-4, statistics: false }) },
          { name: 'adam', select: 'non-binary', optimizer: adam({ learningRate: 0.01, statistics: false }) },
        ],
      });
      return { model: larqMnistBnn({ seed, binaryWeights: 'stored', quantization: plan }), optimizer, inputShape: [1, 28, 28] };
    }
  }
}

/**
 * The training step the micro workloads time and `profile` takes apart: the model, its optimizer, a random batch
 * and labels 0..9, all created on the current backend (so call it with the backend to measure set).
 */
export function createTrainingStep(definition: StepDefinition): TrainingStep {
  const { model, optimizer: optimizerDefinition, inputShape } = buildStep(definition.model, definition.precision, definition.seed);
  const optimizer = optimizerDefinition.create(model.namedParameters());
  const images = randomNormal([definition.batch, ...inputShape], { seed: definition.seed });
  const labels = tensor(Int32Array.from({ length: definition.batch }, (_, i) => i % 10), [definition.batch]);
  return {
    run(onPhaseEnd) {
      optimizer.zeroGrad();
      const loss = crossEntropy(model.forward(images), labels);
      onPhaseEnd?.('forward');
      loss.backward();
      onPhaseEnd?.('backward');
      optimizer.step();
      loss.item();
      onPhaseEnd?.('optimizer');
    },
  };
}

async function timeStep(workload: StepWorkload, options: LowbitOptions): Promise<number> {
  // setBackend, not withBackend: the timing loop awaits, and every tensor the step creates must stay on this backend.
  const previous = getBackend();
  setBackend(options.backend);
  try {
    const step = createTrainingStep({ model: workload.model, precision: workload.precision, batch: workload.batch, seed: options.seed });
    return await timeCall(() => step.run(), workload.timing ?? options.timing, () => relieveMemoryPressure());
  } finally {
    setBackend(previous);
  }
}

async function timeWorkload(workload: Workload, options: LowbitOptions): Promise<{ seconds: number; scaled?: Workload }> {
  const { backend, seed } = options;
  const timing = workload.timing ?? options.timing;
  const between = () => relieveMemoryPressure();
  switch (workload.kind) {
    case 'quantize': {
      const elements = Math.max(1024, Math.floor(workload.elements / (options.quantizeShrink ?? 1)));
      const values = randomNormal([elements], { seed, backend });
      const format = parseFormat(workload.format);
      const seconds = await timeCall(() => finish(quantize(values, format, { rounding: workload.rounding, seed })), timing, between);
      values.dispose();
      return { seconds, scaled: { ...workload, elements } };
    }
    case 'gemm': {
      const n = workload.size;
      const a = randomNormal([n, n], { seed, backend });
      const b = randomNormal([n, n], { seed: seed + 1, backend });
      const seconds = await timeCall(() => finish(matmul(a, b)), timing, between);
      a.dispose();
      b.dispose();
      return { seconds };
    }
    case 'conv': {
      const x = randomNormal([workload.batch, workload.inChannels, workload.size, workload.size], { seed, backend });
      const filter = randomNormal([workload.outChannels, workload.inChannels, workload.kernel, workload.kernel], { seed: seed + 2, backend });
      const seconds = await timeCall(() => finish(conv2d(x, filter, { stride: workload.stride, padding: workload.padding })), timing, between);
      x.dispose();
      filter.dispose();
      return { seconds };
    }
    case 'step':
      return { seconds: await timeStep(workload, options) };
  }
}

/** Runs every workload on one backend, one after the other. */
export async function measureLowbit(workloads: readonly Workload[], options: LowbitOptions, onWorkload?: (name: string) => void): Promise<SystemResult> {
  const result = emptyResult(options.system);
  for (const workload of workloads) {
    const reason = options.skip?.(workload);
    if (reason !== undefined) {
      result.skipped.push({ name: workload.name, reason });
      continue;
    }
    onWorkload?.(workload.name);
    let timed: Awaited<ReturnType<typeof timeWorkload>>;
    try {
      timed = await timeWorkload(workload, options);
    } catch (error) {
      if (!(error instanceof OverBudgetError)) throw error;
      result.skipped.push({ name: workload.name, reason: error.message });
      continue;
    }
    const { seconds, scaled } = timed;
    result.measurements.push(measurement(scaled ?? workload, seconds));
    if (scaled !== undefined && scaled !== workload && scaled.kind === 'quantize' && workload.kind === 'quantize' && scaled.elements !== workload.elements) {
      result.notes.push(`${options.system}: ${workload.name} ran on ${scaled.elements} elements (not ${workload.elements}); the unit is a throughput, so it compares`);
    }
  }
  return result;
}
