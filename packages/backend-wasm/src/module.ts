/**
 * Finding and compiling the kernels. The .wasm and the worker script live in wasm/ at the package
 * root; src/ (tests, read through the "@lowbit/source" condition) and dist/ (the published build)
 * are both one level below it, so one relative URL finds them from either.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WasmBackendError } from './errors.js';

export const WASM_URL = new URL('../wasm/lowbit.wasm', import.meta.url);
export const WORKER_URL = new URL('../wasm/worker.js', import.meta.url);

/** The exports of wasm/lowbit.wasm that the host calls (see assembly/index.ts). */
export interface KernelExports {
  heapBase(): number;
  gemmScratchBytes(): number;
  convBackwardDataScratchBytes(): number;
  [task: string]: unknown;
}

let compiled: WebAssembly.Module | undefined;

/**
 * The compiled module, compiled once per process. Synchronous compilation is allowed in Node for
 * modules of any size, which keeps the backend factory synchronous (no `await ready()` needed).
 */
export function kernelModule(): WebAssembly.Module {
  if (compiled) return compiled;
  let bytes: Buffer;
  try {
    bytes = readFileSync(fileURLToPath(WASM_URL));
  } catch (error) {
    throw new WasmBackendError(
      `cannot read ${fileURLToPath(WASM_URL)} (${(error as Error).message}); in a clone of the repository run \`pnpm --filter @lowbit/backend-wasm build:wasm\``,
    );
  }
  const module = new WebAssembly.Module(bytes);
  compiled = module;
  return module;
}

/** Instantiates the kernels over a shared memory (the main thread; workers do the same in wasm/worker.js). */
export function instantiate(memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(kernelModule(), { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
