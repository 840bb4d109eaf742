/**
 * `profile <model>`: where a training step's time goes. Runs the micro experiment's training step
 * (peers/lowbit.ts: same model, optimizer settings and random batch) on a backend whose kernels
 * are timed (kernel-timer.ts), and splits each step into kernels, uploads/downloads and the rest
 * (JavaScript: autograd, allocation, optimizer loops), and into forward, backward and optimizer.
 */
import { getBackend, setBackend } from '@lowbit/tensor';
import { selectBackend } from '../backend.js';
import { relieveMemoryPressure } from '../memory-pressure.js';
import { createTrainingStep, LOWBIT_STEP_MODELS, type LowbitStepModel, type StepPhase } from '../peers/lowbit.js';
import type { StepPrecision } from '../peers/workloads.js';
import type { Progress } from '../progress.js';
import { BenchUsageError } from '../errors.js';
import { timeKernels, type KernelTiming } from './kernel-timer.js';

export const PROFILE_MODELS = LOWBIT_STEP_MODELS;

/** Per model: timed steps, warm-up steps and batch when not given (batches as the micro experiment's). */
export const PROFILE_DEFAULTS: Record<LowbitStepModel, { steps: number; warmup: number; batch: number }> = {
  lenet5: { steps: 20, warmup: 3, batch: 64 },
  'resnet18-cifar': { steps: 3, warmup: 1, batch: 32 },
  'bnn-larq-mnist': { steps: 20, warmup: 3, batch: 64 },
  alexnet: { steps: 10, warmup: 2, batch: 64 },
};

export interface ProfileOptions {
  model: string;
  steps?: number;
  warmup?: number;
  batch?: number;
  threads?: number;
  backend: 'wasm' | 'reference';
  precision: StepPrecision;
  seed: number;
  progress: Progress;
}

export interface ProfileResult {
  model: LowbitStepModel;
  precision: StepPrecision;
  batch: number;
  steps: number;
  warmup: number;
  seed: number;
  /** The backend that ran (the reference backend when wasm failed to start). */
  backend: string;
  threads: number;
  /** Milliseconds over all timed steps. */
  totalMilliseconds: number;
  phaseMilliseconds: Record<StepPhase, number>;
  /** Kernel calls, uploads and downloads of all timed steps, most time first. */
  timings: KernelTiming[];
}

export function parseProfileModel(name: string): LowbitStepModel {
  if (!(PROFILE_MODELS as readonly string[]).includes(name)) throw new BenchUsageError('model', name, PROFILE_MODELS.join(', '));
  return name as LowbitStepModel;
}

export async function runProfile(options: ProfileOptions): Promise<ProfileResult> {
  const model = parseProfileModel(options.model);
  const defaults = PROFILE_DEFAULTS[model];
  const steps = options.steps ?? defaults.steps;
  const warmup = options.warmup ?? defaults.warmup;
  const batch = options.batch ?? defaults.batch;
  const choice = await selectBackend({ backend: options.backend, threads: options.threads });
  if (choice.fallbackReason !== undefined) options.progress.log(`wasm backend unavailable, using the reference backend: ${choice.fallbackReason}`);
  const base = getBackend();
  const timer = timeKernels(base);
  // Everything the step creates (weights, batch, optimizer state) lives on the timing backend; ops run where their inputs live.
  setBackend(timer.backend);
  try {
    const step = createTrainingStep({ model, precision: options.precision, batch, seed: options.seed });
    const phaseMilliseconds: Record<StepPhase, number> = { forward: 0, backward: 0, optimizer: 0 };
    let totalMilliseconds = 0;
    const task = options.progress.start(`profile ${model}`, warmup + steps);
    for (let index = 0; index < warmup + steps; index++) {
      const timed = index >= warmup;
      if (index === warmup) timer.reset();
      const started = performance.now();
      let phaseStarted = started;
      step.run((phase) => {
        const now = performance.now();
        if (timed) phaseMilliseconds[phase] += now - phaseStarted;
        phaseStarted = now;
      });
      // Up to the end of the last phase, so the phases add up to the step.
      const milliseconds = phaseStarted - started;
      if (timed) totalMilliseconds += milliseconds;
      task.update(index + 1, `${timed ? '' : 'warm-up, '}${milliseconds.toFixed(1)} ms`);
      // Not timed: frees the wasm memory of dead autograd tensors, which only the garbage collector finds.
      await relieveMemoryPressure();
    }
    task.stop();
    return { model, precision: options.precision, batch, steps, warmup, seed: options.seed, backend: choice.name, threads: choice.threads, totalMilliseconds, phaseMilliseconds, timings: timer.timings() };
  } finally {
    setBackend(base);
  }
}
