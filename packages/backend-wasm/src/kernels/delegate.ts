/**
 * Kernels that run the reference backend's JavaScript: the inputs are views of wasm memory (no
 * copy; reference kernels never write their inputs and never touch wasm memory, so the views stay
 * valid), the result is copied in. Used for the kernels that are not hot in training (pow, where,
 * argmax, reductions over scattered axes).
 */
import { referenceBackend, type KernelName, type KernelTensor, type Kernels } from '@lowbit/tensor';
import type { Storage, WasmHandle, WasmTensor } from '../storage.js';

function isTensor(value: unknown): value is WasmTensor {
  return typeof value === 'object' && value !== null && 'handle' in value && 'shape' in value;
}

function asReference(storage: Storage, value: unknown): unknown {
  if (isTensor(value)) return { shape: value.shape, dtype: value.dtype, handle: storage.view(value) };
  if (Array.isArray(value) && value.every(isTensor)) return value.map((tensor) => asReference(storage, tensor));
  return value;
}

/** The reference kernel `name` run on views of wasm tensors; its result is uploaded. */
export function delegated<Name extends KernelName>(storage: Storage, name: Name): Kernels<WasmHandle>[Name] {
  const kernel = referenceBackend.kernels[name] as (...args: unknown[]) => KernelTensor;
  const run = (...args: unknown[]): WasmTensor => {
    const result = kernel(...args.map((argument) => asReference(storage, argument)));
    return storage.upload(result.handle as Float32Array | Int32Array, result.shape, result.dtype);
  };
  return run as unknown as Kernels<WasmHandle>[Name];
}
