/**
 * One instance of the backend's machinery: the shared memory, the kernels instantiated on the main
 * thread, the heap, the worker pool, and the scratch blocks kernels reuse between calls (GEMM
 * packing buffers per thread, the job block the host writes arguments into).
 */
import type { Host } from './host.js';
import { Heap, MAXIMUM_PAGES } from './memory.js';
import { instantiate, type KernelExports } from './module.js';
import { WorkerPool } from './pool.js';

/** Exports the workers may run (assembly/index.ts). */
export const TASKS = ['gemmTask', 'conv2dBackwardDataTask', 'quantizeFloatTask', 'quantizeFixedTask', 'tensorFormatTask', 'elementwiseTask', 'reduceTask', 'reduceChannelsTask', 'poolTask', 'copyTask'] as const;
export type TaskName = (typeof TASKS)[number];

/**
 * Bytes of the job block: 1 KiB of arguments (the largest job, GEMM with three operand
 * descriptors, fits), then 1 KiB per part where kernels keep loop constants (assembly/quantize-fast.ts)
 * or a few partial results (assembly/reduce-channels.ts).
 */
const JOB_BYTES = 1024 + 1024 * 257;
/** COUNTER_WORD of assembly/schedule.ts. */
const UNIT_COUNTER_WORD = 255;

export class Runtime {
  readonly memory: WebAssembly.Memory;
  readonly exports: KernelExports;
  readonly heap: Heap;
  readonly pool: WorkerPool;
  /** Address of the job block (arguments of the running kernel). */
  readonly job: number;
  private scratchAddress = 0;
  private scratchBytes = 0;

  constructor(
    readonly threads: number,
    host: Host,
    /** Compiled for a shared memory, or for an unshared one (then threads is 1: see host.ts). */
    module: WebAssembly.Module,
    shared: boolean,
    /** Split even the smallest kernel calls between threads (tests of the split; slower). */
    private readonly splitAllWork = false,
  ) {
    this.memory = new WebAssembly.Memory({ initial: 256, maximum: MAXIMUM_PAGES, shared });
    this.exports = instantiate(module, this.memory);
    this.heap = new Heap(this.memory, this.exports.heapBase());
    this.job = this.heap.allocate(JOB_BYTES);
    const available = TASKS.filter((name) => typeof this.exports[name] === 'function');
    this.pool = new WorkerPool(host, module, this.memory, this.exports, available, threads - 1);
  }

  /**
   * A scratch block of at least `bytes` bytes, reused by later calls (contents not kept). Only one
   * kernel runs at a time, so one block serves them all; it grows, never shrinks.
   */
  scratch(bytes: number): number {
    if (bytes > this.scratchBytes) {
      if (this.scratchBytes > 0) this.heap.free(this.scratchAddress);
      this.scratchAddress = this.heap.allocate(bytes);
      this.scratchBytes = bytes;
    }
    return this.scratchAddress;
  }

  /** Parts for work of `cost` units (~ floating-point operations): one below `minimum` per part. */
  partsFor(cost: number, minimum: number, limit = Infinity): number {
    if (this.splitAllWork && this.threads > 1) return Math.max(1, Math.min(this.pool.availableThreads, limit));
    if (this.threads === 1 || cost < 2 * minimum) return 1;
    return Math.max(1, Math.min(this.pool.availableThreads, Math.floor(cost / minimum), limit));
  }

  /**
   * Runs a task over the threads (see WorkerPool.run). The threads take units of work from a
   * counter in the job block (assembly/schedule.ts), zeroed here first.
   */
  run(task: TaskName, parts: number, job = this.job): void {
    this.heap.i32[job / 4 + UNIT_COUNTER_WORD] = 0;
    this.pool.run(task, job, parts);
  }

  /** Int32 words of the job block, from `word` on. */
  writeJob(words: readonly number[], word = 0, job = this.job): void {
    this.heap.i32.set(words, job / 4 + word);
  }
}
