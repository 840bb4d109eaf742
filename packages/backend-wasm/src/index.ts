/**
 * @lowbit/backend-wasm: the WebAssembly SIMD backend of @lowbit/tensor. Importing this module
 * registers it as 'wasm' with a priority above the reference backend, so it becomes the default:
 *
 *   import '@lowbit/backend-wasm';
 *   import { matmul, randomNormal } from '@lowbit/tensor';
 *   const y = matmul(randomNormal([512, 512]), randomNormal([512, 512]));   // runs in wasm
 *
 * `wasmBackend({ threads })` makes another instance (its own memory and workers), e.g. for tests.
 */
import { registerBackend } from '@lowbit/tensor';
import { wasmBackend } from './backend.js';

/** Priority of the registered 'wasm' backend (the reference backend has 0). */
export const WASM_BACKEND_PRIORITY = 10;

registerBackend('wasm', () => wasmBackend(), WASM_BACKEND_PRIORITY);

export { wasmBackend, type WasmBackend, type WasmBackendOptions } from './backend.js';
export { WasmBackendError, WasmBackendOptionsError } from './errors.js';
export type { WasmHandle, WasmTensor } from './storage.js';
