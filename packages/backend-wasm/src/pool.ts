/**
 * A persistent pool of worker threads over the shared wasm memory (Node worker_threads or browser
 * module Web Workers: the host starts them, src/host.ts).
 *
 * Every worker instantiates the same compiled module (passed in workerData) over the same
 * WebAssembly.Memory, so a task is just "call export `name`(job, part, parts)": the arguments sit
 * in a job block in shared memory. The handshake is one Int32Array over a SharedArrayBuffer:
 * each worker has its own slot (sequence number, task, job, part, parts); the main thread fills
 * the slots of the workers it uses, bumps their sequence numbers and notifies, does part 0
 * itself, then waits until the shared `remaining` counter drops to zero. Waits spin briefly
 * before sleeping in Atomics.wait (a browser's main thread, which may not sleep, only spins): a
 * dispatch then costs about a microsecond, and callers keep small ops on one thread (`partsFor`).
 *
 * Units of work are claimed dynamically (assembly/schedule.ts), so once the main thread has
 * finished its part every unit is taken: a worker that has not started its part by then (asleep,
 * or not scheduled on a busy machine) is retracted (its slot goes from POSTED back to IDLE with a
 * compare-and-swap the worker also races for) instead of waited for. The main thread then only
 * waits for workers that are running, which finish the units they claimed.
 *
 * Workers start asynchronously. Until a worker reports ready it simply gets no part: results
 * never depend on the number of parts (kernels split rows, images or elements, never a sum except
 * a GEMM's depth in chunks fixed by the problem and added in a fixed order), so the backend is
 * usable at once and `ready()` only matters for measuring speed. Node workers are unref'd: a
 * process that uses the pool exits by itself; `dispose()` stops them explicitly.
 */
import { WasmBackendError } from './errors.js';
import type { Host, ThreadHandle } from './host.js';
import type { KernelExports } from './module.js';

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
/** IDLE, POSTED (a part waits for the worker) or RUNNING (the worker took it). */
const SLOT_STATE = 6;
const POSTED = 1;
const IDLE = 0;
const MAIN_SPINS = 20000;

export class WorkerPool {
  private readonly control: Int32Array;
  private readonly workers: ThreadHandle[] = [];
  private readonly taskIndex = new Map<string, number>();
  private readonly readyPromise: Promise<void>;
  private disposed = false;
  /** Kernel calls that ran on more than one thread (a diagnostic; tests check threads are used). */
  parallelRuns = 0;

  constructor(
    private readonly host: Host,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    private readonly exports: KernelExports,
    /** Tasks the workers may run: exports named ...Task. */
    tasks: readonly string[],
    /** Worker threads (the main thread works too: threads = workers + 1). */
    workerCount: number,
  ) {
    tasks.forEach((name, index) => this.taskIndex.set(name, index));
    // Without workers (and without SharedArrayBuffer, in a browser that is not cross-origin isolated) a plain buffer does.
    const bytes = (SLOTS + SLOT_WORDS * Math.max(workerCount, 1)) * 4;
    this.control = new Int32Array(workerCount > 0 ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    const started: Promise<void>[] = [];
    const control = this.control.buffer as SharedArrayBuffer;
    for (let index = 0; index < workerCount; index++) {
      started.push(
        new Promise<void>((resolve, reject) => {
          const start = { module, memory, control, index, tasks, slots: SLOTS, slotWords: SLOT_WORDS };
          const fail = (error: Error) => reject(new WasmBackendError(`worker thread ${index} failed: ${error.message}`));
          this.workers.push(host.spawn(start, resolve, fail));
        }),
      );
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
      Atomics.store(control, slot + SLOT_STATE, POSTED);
      Atomics.add(control, slot + SLOT_SEQUENCE, 1);
      Atomics.notify(control, slot + SLOT_SEQUENCE);
    });
    try {
      taskFunction(job, 0, total);
    } finally {
      for (const worker of used) {
        if (Atomics.compareExchange(control, this.slot(worker) + SLOT_STATE, POSTED, IDLE) === POSTED) Atomics.sub(control, REMAINING, 1);
      }
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
    for (let spin = 0; spin < MAIN_SPINS || !this.host.canBlock; spin++) {
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
