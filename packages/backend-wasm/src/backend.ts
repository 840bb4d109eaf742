/**
 * wasmBackend(): the Backend object of @lowbit/tensor over one Runtime (memory, kernels, threads).
 * In Node it is created synchronously; in browsers, where the module is fetched and compiled
 * asynchronously, with `await createWasmBackend()` (the registered factory does that).
 */
import type { Backend, DType } from '@lowbit/tensor';
import { host } from '#host';
import { WasmBackendError, WasmBackendOptionsError } from './errors.js';
import { planThreads, type ThreadPlan } from './host.js';
import { wasmKernels } from './kernels/index.js';
import { Runtime } from './runtime.js';
import { Storage, type WasmHandle, type WasmTensor } from './storage.js';

export interface WasmBackendOptions {
  /** Threads used by kernels, the calling thread included. Default: the number of cores. 1 = no workers. */
  threads?: number;
  /** Backend name (default 'wasm'). */
  name?: string;
  /**
   * Split every kernel call between the threads, however small (default false: calls below about
   * a million multiply-adds stay on the calling thread). For testing the split; slower.
   */
  splitAllWork?: boolean;
  /**
   * false: one thread over an unshared memory, what a browser page that is not cross-origin
   * isolated gets (default: shared wherever the host allows it).
   */
  sharedMemory?: boolean;
}

export interface WasmBackend extends Backend<WasmHandle> {
  /** Threads kernels may use (the calling thread included). */
  readonly threads: number;
  /** How the thread count was decided: workers used, shared memory, and why (src/host.ts). */
  readonly threading: ThreadPlan;
  /** Frees a tensor's wasm memory now (Tensor.dispose calls it; otherwise a FinalizationRegistry does). */
  dispose(tensor: WasmTensor): void;
  /** Resolves once every worker thread has started (kernels work before, on fewer threads). */
  ready(): Promise<void>;
  /** Bytes held by live tensors and scratch buffers in wasm memory. */
  liveBytes(): number;
  /** Kernel calls so far that ran on more than one thread (small ones stay on the calling thread). */
  parallelRuns(): number;
  /** Stops the worker threads; the backend keeps working on the calling thread. */
  shutdown(): Promise<void>;
}

function planFor(options: WasmBackendOptions): { plan: ThreadPlan; name: string } {
  const { threads } = options;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 256)) {
    throw new WasmBackendOptionsError('threads', threads, 'an integer 1..256');
  }
  const name = options.name ?? 'wasm';
  if (typeof name !== 'string' || name === '') throw new WasmBackendOptionsError('name', name, 'a non-empty string');
  if (options.sharedMemory !== undefined && typeof options.sharedMemory !== 'boolean') {
    throw new WasmBackendOptionsError('sharedMemory', options.sharedMemory, 'true or false');
  }
  return { plan: planThreads(host.capabilities(), threads, options.sharedMemory), name };
}

function create(module: WebAssembly.Module, plan: ThreadPlan, name: string, options: WasmBackendOptions): WasmBackend {
  const runtime = new Runtime(plan.threads, host, module, plan.sharedMemory, options.splitAllWork === true);
  const storage = new Storage(runtime);
  return {
    name,
    threads: plan.threads,
    threading: plan,
    kernels: wasmKernels(runtime, storage),
    upload: (values: Float32Array | Int32Array, shape: readonly number[], dtype: DType): WasmTensor => storage.upload(values, shape, dtype),
    download: (tensor: WasmTensor) => storage.download(tensor),
    dispose: (tensor: WasmTensor) => storage.dispose(tensor),
    ready: () => runtime.pool.ready(),
    liveBytes: () => runtime.heap.liveBytes,
    parallelRuns: () => runtime.pool.parallelRuns,
    shutdown: () => runtime.pool.dispose(),
  };
}

/** A new backend, synchronously (Node; in browsers use createWasmBackend). */
export function wasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  const { plan, name } = planFor(options);
  const module = host.moduleSync(plan.sharedMemory);
  if (!module) throw new WasmBackendError('this host compiles WebAssembly asynchronously: use `await createWasmBackend(options)`');
  return create(module, plan, name, options);
}

/** A new backend once the kernels are compiled: works on every host (browsers need it). */
export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const { plan, name } = planFor(options);
  return create(await host.loadModule(plan.sharedMemory), plan, name, options);
}
