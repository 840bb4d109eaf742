/**
 * What the backend needs from the JavaScript host, and how it decides how many threads it can use.
 *
 * Two implementations, chosen by module resolution rather than at run time so that neither side
 * bundles the other's imports: package.json maps the subpath import `#host` to ./host-node.ts
 * (worker_threads, the .wasm read from disk) by default and to ./host-browser.ts (module Web
 * Workers, the .wasm fetched) under the "browser" condition that bundlers set.
 *
 * Threads need a shared WebAssembly.Memory, which browsers only allow on cross-origin isolated
 * pages (served with `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`). Elsewhere the backend runs on one thread over an
 * unshared memory: the same module with the shared flag of its memory import cleared
 * (./module.ts), which the threads proposal allows (atomic instructions work on unshared memory).
 */

/** What a worker receives (wasm/worker.js reads the same fields). */
export interface WorkerStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  index: number;
  tasks: readonly string[];
  slots: number;
  slotWords: number;
}

export interface ThreadHandle {
  terminate(): Promise<unknown> | void;
}

export interface Host {
  readonly kind: 'node' | 'browser';
  capabilities(): Capabilities;
  /** The compiled kernels now (Node), or undefined where compiling must be asynchronous (browsers). */
  moduleSync(shared: boolean): WebAssembly.Module | undefined;
  loadModule(shared: boolean): Promise<WebAssembly.Module>;
  /** Starts a worker; `ready` once it has instantiated the kernels, `failed` if it cannot. */
  spawn(start: WorkerStart, ready: () => void, failed: (error: Error) => void): ThreadHandle;
  /** Whether this thread may sleep in Atomics.wait (a browser's main thread may not: it spins). */
  readonly canBlock: boolean;
}

/** The facts the thread plan depends on. */
export interface Capabilities {
  /** Node.js: worker_threads and SharedArrayBuffer always exist. */
  node: boolean;
  /** `globalThis.crossOriginIsolated` (browsers: true only with COOP and COEP headers). */
  crossOriginIsolated: boolean;
  sharedArrayBuffer: boolean;
  /** A `Worker` constructor exists (browsers, Deno, workers). */
  workers: boolean;
  /** Logical cores (availableParallelism, navigator.hardwareConcurrency), at least 1. */
  cores: number;
}

export interface ThreadPlan {
  /** Threads kernels may use, the calling thread included. */
  threads: number;
  /** Worker threads of the pool: Node's worker_threads, module Web Workers, or none. */
  workers: 'node' | 'web' | 'none';
  /** A shared memory (required for workers); false: one thread over an unshared memory. */
  sharedMemory: boolean;
  /** Why, in words (for diagnostics: `backend.threading.reason`). */
  reason: string;
}

/** Reads the capabilities from a global scope (globalThis by default; tests pass fakes). */
export function capabilitiesOf(scope: Record<string, unknown>, cores: number): Capabilities {
  const process = scope.process as { versions?: { node?: string } } | undefined;
  return {
    node: typeof process?.versions?.node === 'string',
    crossOriginIsolated: scope.crossOriginIsolated === true,
    sharedArrayBuffer: typeof scope.SharedArrayBuffer === 'function',
    workers: typeof scope.Worker === 'function',
    cores: Number.isInteger(cores) && cores >= 1 ? cores : 1,
  };
}

/**
 * How many threads to use. `requested` is the `threads` option (undefined: one per core);
 * `sharedMemory: false` forces the single-thread, unshared-memory fallback.
 */
export function planThreads(capabilities: Capabilities, requested?: number, sharedMemory?: boolean): ThreadPlan {
  const threads = requested ?? capabilities.cores;
  if (sharedMemory === false) {
    return { threads: 1, workers: 'none', sharedMemory: false, reason: 'sharedMemory: false was requested: one thread, unshared memory' };
  }
  if (capabilities.node) {
    return { threads, workers: threads > 1 ? 'node' : 'none', sharedMemory: true, reason: 'Node.js: worker_threads over a shared memory' };
  }
  if (!capabilities.crossOriginIsolated || !capabilities.sharedArrayBuffer) {
    return {
      threads: 1,
      workers: 'none',
      sharedMemory: false,
      reason:
        'not cross-origin isolated, so no shared memory: one thread (serve the page with Cross-Origin-Opener-Policy: same-origin ' +
        'and Cross-Origin-Embedder-Policy: require-corp to use every core)',
    };
  }
  if (!capabilities.workers) {
    return { threads: 1, workers: 'none', sharedMemory: true, reason: 'no Worker constructor in this scope: one thread' };
  }
  return { threads, workers: threads > 1 ? 'web' : 'none', sharedMemory: true, reason: 'cross-origin isolated: module Web Workers over a shared memory' };
}
