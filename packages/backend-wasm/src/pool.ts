/**
 * A persistent pool of worker threads over the shared wasm memory.
 *
 * Every worker instantiates the same compiled module (passed in workerData) over the same
 * WebAssembly.Memory, so a task is just "call export `name`(job, part, parts)": the arguments sit
 * in a job block in shared memory. The handshake is one Int32Array over a SharedArrayBuffer:
 * each worker has its own slot (sequence number, task, job, part, parts); the main thread fills
 * the slots of the workers it uses, bumps their sequence numbers and notifies, does part 0
 * itself, then waits until the shared `remaining` counter drops to zero. Waits spin briefly
 * before sleeping in Atomics.wait: a dispatch then costs about a microsecond, and callers keep
 * small ops on one thread (`partsFor`).
 *
 * Workers start asynchronously. Until a worker reports ready it simply gets no part: results
 * never depend on the number of parts (kernels split rows, images or elements, never a sum), so
 * the backend is usable at once and `ready()` only matters for measuring speed. Workers are
 * unref'd: a process that uses the pool exits by itself; `dispose()` stops them explicitly.
 */
import { Worker } from 'node:worker_threads';
import { WasmBackendError } from './errors.js';
import { WORKER_URL, kernelModule, type KernelExports } from './module.js';

// Layout of the control block (Int32Array indices); wasm/worker.js uses the same numbers.
const REMAINING = 0;
const SHUTDOWN = 1;
const FAILED = 2;
const SLOTS = 16;
const SLOT_WORDS = 8;
const SLOT_SEQUENCE = 0;
const SLOT_TASK = 1;
const SLOT_JOB = 2;
const SLOT_PART = 3;
const SLOT_PARTS = 4;
const SLOT_READY = 5;
const MAIN_SPINS = 20000;

export class WorkerPool {
  private readonly control: Int32Array;
  private readonly workers: Worker[] = [];
  private readonly taskIndex = new Map<string, number>();
  private readonly readyPromise: Promise<void>;
  private disposed = false;
  /** Kernel calls that ran on more than one thread (a diagnostic; tests check threads are used). */
  parallelRuns = 0;

  constructor(
    memory: WebAssembly.Memory,
    private readonly exports: KernelExports,
    /** Tasks the workers may run: exports named ...Task. */
    tasks: readonly string[],
    /** Worker threads (the main thread works too: threads = workers + 1). */
    workerCount: number,
  ) {
    tasks.forEach((name, index) => this.taskIndex.set(name, index));
    this.control = new Int32Array(new SharedArrayBuffer((SLOTS + SLOT_WORDS * Math.max(workerCount, 1)) * 4));
    const started: Promise<void>[] = [];
    for (let index = 0; index < workerCount; index++) {
      const worker = new Worker(WORKER_URL, {
        workerData: { module: kernelModule(), memory, control: this.control.buffer, index, tasks, slots: SLOTS, slotWords: SLOT_WORDS },
      });
      worker.unref();
      started.push(
        new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', (error) => reject(new WasmBackendError(`worker thread ${index} failed: ${error.message}`)));
        }),
      );
      this.workers.push(worker);
    }
    this.readyPromise = Promise.all(started).then(() => undefined);
    // A failure surfaces through ready() or the next run(); do not leave an unhandled rejection.
    this.readyPromise.catch(() => undefined);
  }

  /** Threads that can take a part now: the main thread and every worker that has started. */
  get availableThreads(): number {
    let count = 1;
    for (let index = 0; index < this.workers.length; index++) {
      if (Atomics.load(this.control, this.slot(index) + SLOT_READY) === 1) count++;
    }
    return count;
  }

  /** Resolves when every worker has started (or rejects with the first failure). */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  /**
   * Runs `task(job, part, parts)` for part = 0..parts-1: part 0 on this thread, the others on
   * started workers; returns when all are done. `parts` is capped by the threads available.
   */
  run(task: string, job: number, parts: number): void {
    const taskFunction = this.exports[task] as (job: number, part: number, parts: number) => void;
    const used: number[] = [];
    if (!this.disposed) {
      for (let index = 0; index < this.workers.length && used.length < parts - 1; index++) {
        if (Atomics.load(this.control, this.slot(index) + SLOT_READY) === 1) used.push(index);
      }
    }
    const total = used.length + 1;
    if (total === 1) {
      taskFunction(job, 0, 1);
      return;
    }
    const taskNumber = this.taskIndex.get(task);
    if (taskNumber === undefined) throw new WasmBackendError(`internal: ${task} is not a pool task`);
    const control = this.control;
    this.parallelRuns++;
    Atomics.store(control, REMAINING, used.length);
    used.forEach((worker, position) => {
      const slot = this.slot(worker);
      control[slot + SLOT_TASK] = taskNumber;
      control[slot + SLOT_JOB] = job;
      control[slot + SLOT_PART] = position + 1;
      control[slot + SLOT_PARTS] = total;
      Atomics.add(control, slot + SLOT_SEQUENCE, 1);
      Atomics.notify(control, slot + SLOT_SEQUENCE);
    });
    try {
      taskFunction(job, 0, total);
    } finally {
      this.wait();
    }
    if (Atomics.exchange(control, FAILED, 0) !== 0) {
      throw new WasmBackendError(`a worker thread failed while running ${task}; see its error on stderr`);
    }
  }

  /** Stops the workers. Later runs use the main thread only. */
  dispose(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.disposed = true;
    Atomics.store(this.control, SHUTDOWN, 1);
    for (let index = 0; index < this.workers.length; index++) {
      Atomics.add(this.control, this.slot(index) + SLOT_SEQUENCE, 1);
      Atomics.notify(this.control, this.slot(index) + SLOT_SEQUENCE);
    }
    return Promise.all(this.workers.map((worker) => worker.terminate())).then(() => undefined);
  }

  private wait(): void {
    const control = this.control;
    for (let spin = 0; spin < MAIN_SPINS; spin++) {
      if (Atomics.load(control, REMAINING) === 0) return;
    }
    for (;;) {
      const remaining = Atomics.load(control, REMAINING);
      if (remaining === 0) return;
      Atomics.wait(control, REMAINING, remaining, 1000);
    }
  }

  private slot(worker: number): number {
    return SLOTS + worker * SLOT_WORDS;
  }
}
