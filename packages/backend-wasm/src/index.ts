/**
 * @lowbit/backend-wasm: the WebAssembly SIMD backend of @lowbit/tensor. Importing this module
 * registers it as 'wasm' with a priority above the reference backend, so it becomes the default:
 *
 *   import '@lowbit/backend-wasm';
 *   import { matmul, randomNormal } from '@lowbit/tensor';
 *   const y = matmul(randomNormal([512, 512]), randomNormal([512, 512]));   // runs in wasm
 *
 * `wasmBackend({ threads })` makes another instance (its own memory and workers), e.g. for tests.
 * In browsers the backend is created asynchronously: `await ready()` (@lowbit/tensor) or
 * `await createWasmBackend()`; it uses Web Workers when the page is cross-origin isolated.
 */
import { registerBackend } from '@lowbit/tensor';
import { host } from '#host';
import { createWasmBackend, wasmBackend } from './backend.js';

/** Priority of the registered 'wasm' backend (the reference backend has 0). */
export const WASM_BACKEND_PRIORITY = 10;

// Node creates it synchronously; browsers fetch and compile first (`await ready()` in @lowbit/tensor).
registerBackend('wasm', host.kind === 'node' ? () => wasmBackend() : () => createWasmBackend(), WASM_BACKEND_PRIORITY);

export { createWasmBackend, wasmBackend, type WasmBackend, type WasmBackendOptions } from './backend.js';
export { planThreads, type Capabilities, type ThreadPlan } from './host.js';
export { WasmBackendError, WasmBackendOptionsError } from './errors.js';
export type { WasmHandle, WasmTensor } from './storage.js';
