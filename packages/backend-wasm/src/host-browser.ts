/**
 * The browser host (src/host.ts), selected by the "browser" condition of the `#host` import: the
 * .wasm fetched and compiled asynchronously (browsers refuse to compile large modules
 * synchronously on the main thread, so the backend is created with `await createWasmBackend()`),
 * module Web Workers for the pool when the page is cross-origin isolated. Both URLs are written
 * `new URL('…', import.meta.url)` in place, the form bundlers recognise and copy.
 */
import { capabilitiesOf, type Host } from './host.js';
import { unsharedModuleBytes } from './module.js';

const compiled = new Map<boolean, Promise<WebAssembly.Module>>();

async function compile(shared: boolean): Promise<WebAssembly.Module> {
  const response = await fetch(new URL('../wasm/lowbit.wasm', import.meta.url));
  if (!response.ok) throw new Error(`@lowbit/backend-wasm: cannot fetch lowbit.wasm (HTTP ${response.status})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return WebAssembly.compile(shared ? bytes : unsharedModuleBytes(bytes));
}

/** A browser's main thread may not block in Atomics.wait (it throws); workers may. */
function blockingAllowed(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

interface BrowserWorker {
  postMessage(message: unknown): void;
  addEventListener(type: 'message' | 'error', listener: (event: { message?: string }) => void, options?: { once: boolean }): void;
  terminate(): void;
}

const scope = globalThis as unknown as Record<string, unknown> & { navigator?: { hardwareConcurrency?: number } };

export const host: Host = {
  kind: 'browser',
  capabilities: () => capabilitiesOf(scope, scope.navigator?.hardwareConcurrency ?? 1),
  moduleSync: () => undefined,
  loadModule(shared) {
    let module = compiled.get(shared);
    if (!module) compiled.set(shared, (module = compile(shared)));
    return module;
  },
  spawn(start, ready, failed) {
    const WorkerClass = scope.Worker as new (url: URL, options: { type: 'module' }) => BrowserWorker;
    const worker = new WorkerClass(new URL('../wasm/worker.js', import.meta.url), { type: 'module' });
    worker.addEventListener('message', () => ready(), { once: true });
    worker.addEventListener('error', (event) => failed(new Error(event.message ?? 'worker error')), { once: true });
    // The module and the shared memory are sent like any structured-clone value (same agent cluster).
    worker.postMessage(start);
    return worker;
  },
  canBlock: blockingAllowed(),
};
