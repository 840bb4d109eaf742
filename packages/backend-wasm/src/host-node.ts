/**
 * The Node.js host (src/host.ts): the .wasm read from disk and compiled synchronously (Node allows
 * it for modules of any size, so `wasmBackend()` needs no await), worker_threads for the pool.
 * wasm/ (the binary and the worker script) sits at the package root; src/ (tests, through the
 * "@lowbit/source" condition) and dist/ (the published build) are both one level below it, so
 * one relative URL finds them from either.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { WasmBackendError } from './errors.js';
import { capabilitiesOf, type Host } from './host.js';
import { unsharedModuleBytes } from './module.js';

const WASM_URL = new URL('../wasm/lowbit.wasm', import.meta.url);
const WORKER_URL = new URL('../wasm/worker.js', import.meta.url);
const compiled = new Map<boolean, WebAssembly.Module>();

function compile(shared: boolean): WebAssembly.Module {
  let module = compiled.get(shared);
  if (module) return module;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(fileURLToPath(WASM_URL));
  } catch (error) {
    throw new WasmBackendError(
      `cannot read ${fileURLToPath(WASM_URL)} (${(error as Error).message}); in a clone of the repository run \`pnpm --filter @lowbit/backend-wasm build:wasm\``,
    );
  }
  module = new WebAssembly.Module(shared ? bytes : unsharedModuleBytes(bytes));
  compiled.set(shared, module);
  return module;
}

export const host: Host = {
  kind: 'node',
  capabilities: () => capabilitiesOf(globalThis as unknown as Record<string, unknown>, availableParallelism()),
  moduleSync: compile,
  loadModule: (shared) => Promise.resolve(compile(shared)),
  spawn(start, ready, failed) {
    const worker = new Worker(WORKER_URL, { workerData: start });
    // Unref'd: a process that uses the pool exits by itself.
    worker.unref();
    worker.once('message', () => ready());
    worker.once('error', (error) => failed(error));
    return worker;
  },
  canBlock: true,
};
