/**
 * TensorFlow.js 4.22 with its wasm backend (XNNPACK, SIMD) as a `micro` peer, in this process.
 * It runs GEMM, convolution forward and the float32 LeNet-5 and ResNet-18 training steps; it has
 * no 8-bit float types (quantize and fp8 steps) and no BNN here, which are reported as skipped.
 *
 * Two things TF.js needs before it can train a conv net in Node, both said in the notes:
 * - `@tensorflow/tfjs-core` alone registers no gradient functions in Node (they are only in its
 *   ESM build, which Node cannot load); the union package `@tensorflow/tfjs` registers them.
 * - The wasm backend of 4.22 has no `Conv2DBackpropFilter` kernel; ./tfjs-conv-filter.ts registers
 *   one built from TF.js' own ops.
 */
import type * as TF from '@tensorflow/tfjs-core';
import { registerConv2dBackpropFilter } from './tfjs-conv-filter.js';
import { tfjsLenet5, tfjsResnet18Cifar, tfjsTrainingStep, type TfjsModel } from './tfjs-models.js';
import { emptyResult, measurement, OverBudgetError, timeCall, type SystemResult, type Timing, type Workload } from './workloads.js';

/** TF.js could not be loaded or started: every workload is skipped with this reason. */
export class TfjsUnavailableError extends Error {
  override name = 'TfjsUnavailableError';
}

export interface TfjsOptions {
  timing: Timing;
  seed: number;
  /** A reason to leave a workload out, or undefined to run it (e.g. a ResNet-18 step that is too slow). */
  skip?: (workload: Workload) => string | undefined;
}

type Tf = typeof TF;

/** Whether this module registered the Conv2DBackpropFilter kernel (once per process). */
let registeredHere = false;

async function loadTfjs(): Promise<{ tf: Tf; version: string; threads: number }> {
  let tf: Tf;
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs'); // registers the gradient functions (and its cpu/webgl backends, unused)
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    throw new TfjsUnavailableError(`TensorFlow.js peer skipped: @tensorflow/tfjs 4.22 packages not installed (${error instanceof Error ? error.message : String(error)}); run pnpm install`);
  }
  if (!(await tf.setBackend('wasm'))) throw new TfjsUnavailableError('TensorFlow.js peer skipped: its wasm backend failed to initialize');
  await tf.ready();
  return { tf, version: tf.version_core, threads: wasm.getThreadsCount() };
}

/** Why TF.js does not run a workload here, or undefined when it does. */
function unsupported(workload: Workload): string | undefined {
  if (workload.kind === 'quantize') return 'TF.js has no 8-bit float types: not measured';
  if (workload.kind === 'step' && workload.precision !== 'float32') return 'TF.js has no 8-bit float types: no emulated fp8 step';
  if (workload.kind === 'step' && workload.model === 'bnn-larq-mnist') return 'the BNN (sign STE, Bop) is not written in TF.js here';
  return undefined;
}

function random(tf: Tf, shape: number[], seed: number): TF.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

async function timeWorkload(tf: Tf, workload: Workload, options: TfjsOptions): Promise<number> {
  const { seed } = options;
  const timing = workload.timing ?? options.timing;
  // The wasm backend runs each kernel inside the op call, like lowbit and PyTorch on the CPU: free
  // the result without reading it back (dataSync would add a copy of the output to the time).
  const finish = (result: TF.Tensor) => result.dispose();
  if (workload.kind === 'gemm') {
    const [a, b] = [random(tf, [workload.size, workload.size], seed), random(tf, [workload.size, workload.size], seed + 1)] as TF.Tensor2D[];
    const seconds = await timeCall(() => finish(tf.matMul(a, b)), timing);
    tf.dispose([a, b]);
    return seconds;
  }
  if (workload.kind === 'conv') {
    const x = random(tf, [workload.batch, workload.size, workload.size, workload.inChannels], seed) as TF.Tensor4D;
    const filter = random(tf, [workload.kernel, workload.kernel, workload.inChannels, workload.outChannels], seed + 2) as TF.Tensor4D;
    const seconds = await timeCall(() => finish(tf.conv2d(x, filter, workload.stride, workload.padding)), timing);
    tf.dispose([x, filter]);
    return seconds;
  }
  if (workload.kind !== 'step') throw new Error(`TF.js peer: no ${workload.kind} workload`);
  const [model, inputShape]: [TfjsModel, number[]] =
    workload.model === 'lenet5' ? [tfjsLenet5(tf, seed), [28, 28, 1]] : [tfjsResnet18Cifar(tf, seed), [32, 32, 3]];
  const optimizer = tf.train.momentum(0.01, 0.9);
  const images = random(tf, [workload.batch, ...inputShape], seed) as TF.Tensor4D;
  const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: workload.batch }, (_, i) => i % 10), 'int32'), 10).toFloat()) as TF.Tensor2D;
  try {
    return await timeCall(() => void tfjsTrainingStep(tf, model, optimizer, images, labels), timing);
  } finally {
    optimizer.dispose();
    tf.dispose([images, labels, ...model.variables]);
  }
}

/** Runs the workloads TF.js supports; never throws for a missing TF.js (the result says why it skipped). */
export async function measureTfjs(workloads: readonly Workload[], options: TfjsOptions, onWorkload?: (name: string) => void): Promise<SystemResult> {
  let loaded: Awaited<ReturnType<typeof loadTfjs>>;
  try {
    loaded = await loadTfjs();
  } catch (error) {
    if (!(error instanceof TfjsUnavailableError)) throw error;
    const result = emptyResult('tfjs-wasm');
    result.skipped = workloads.map((w) => ({ name: w.name, reason: error.message }));
    result.notes.push(error.message);
    return result;
  }
  const { tf, version, threads } = loaded;
  const result = emptyResult(`tfjs-wasm ${version} (${threads} thread${threads === 1 ? '' : 's'})`);
  if (registerConv2dBackpropFilter(tf)) registeredHere = true;
  result.notes.push(
    `TF.js ${version} wasm backend (XNNPACK) on ${threads} thread(s)${threads === 1 ? ': TF.js turns wasm multithreading off in Node' : ''}; gradient functions registered by the @tensorflow/tfjs union package`,
    registeredHere
      ? `TF.js ${version} wasm has no Conv2DBackpropFilter kernel (no conv net trains without it): registered one built from TF.js ops (pad, stridedSlice, concat, transpose, one matMul; src/peers/tfjs-conv-filter.ts, tested against the definition)`
      : `TF.js ${version} wasm: a Conv2DBackpropFilter kernel was already registered for wasm, used as is`,
  );
  for (const workload of workloads) {
    const reason = unsupported(workload) ?? options.skip?.(workload);
    if (reason !== undefined) {
      result.skipped.push({ name: workload.name, reason });
      continue;
    }
    onWorkload?.(workload.name);
    try {
      result.measurements.push(measurement(workload, await timeWorkload(tf, workload, options)));
    } catch (error) {
      if (!(error instanceof OverBudgetError)) throw error;
      result.skipped.push({ name: workload.name, reason: error.message });
    }
  }
  return result;
}
