/**
 * wasmBackend(): the Backend object of @lowbit/tensor over one Runtime (memory, kernels, threads).
 */
import { availableParallelism } from 'node:os';
import type { Backend, DType } from '@lowbit/tensor';
import { WasmBackendOptionsError } from './errors.js';
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
}

export interface WasmBackend extends Backend<WasmHandle> {
  /** Threads kernels may use (the calling thread included). */
  readonly threads: number;
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

export function wasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new WasmBackendOptionsError('threads', threads, 'an integer 1..256');
  }
  const name = options.name ?? 'wasm';
  if (typeof name !== 'string' || name === '') throw new WasmBackendOptionsError('name', name, 'a non-empty string');
  const runtime = new Runtime(threads, options.splitAllWork === true);
  const storage = new Storage(runtime);
  return {
    name,
    threads,
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
