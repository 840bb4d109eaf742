/**
 * Tensor storage of the wasm backend: a handle is one block of the shared wasm memory holding the
 * values contiguously, row-major (float32 or int32 bit patterns). Tensors stay there between ops;
 * only upload and download copy.
 *
 * A handle is freed by `dispose` (Tensor.dispose) or, once no tensor references it, by a
 * FinalizationRegistry. Reshaped tensors share the handle object, so the registry frees the
 * block only when the last of them is gone, and a second dispose is a no-op.
 */
import type { DType, KernelTensor } from '@lowbit/tensor';
import type { Runtime } from './runtime.js';

export interface WasmHandle {
  /** Byte address of the first value. */
  readonly address: number;
  /** Number of values (4 bytes each). */
  readonly length: number;
  disposed: boolean;
}

export type WasmTensor = KernelTensor<WasmHandle>;

export class Storage {
  private readonly registry: FinalizationRegistry<number>;

  constructor(readonly runtime: Runtime) {
    const heap = runtime.heap;
    this.registry = new FinalizationRegistry((address) => heap.free(address));
  }

  /** A new (uninitialised) tensor of `shape`. */
  allocate(shape: readonly number[], dtype: DType = 'float32'): WasmTensor {
    let length = 1;
    for (const dimension of shape) length *= dimension;
    const address = this.runtime.heap.allocate(length * 4);
    const handle: WasmHandle = { address, length, disposed: false };
    this.registry.register(handle, address, handle);
    return { shape, dtype, handle };
  }

  upload(values: Float32Array | Int32Array, shape: readonly number[], dtype: DType): WasmTensor {
    const tensor = this.allocate(shape, dtype);
    const heap = this.runtime.heap;
    const start = tensor.handle.address / 4;
    // Same-type set copies bits (NaN payloads, -0); an Int32Array into float32 storage converts.
    if (dtype === 'int32') heap.i32.set(values instanceof Int32Array ? values : Int32Array.from(values), start);
    else heap.f32.set(values instanceof Float32Array ? values : Float32Array.from(values), start);
    return tensor;
  }

  download(tensor: WasmTensor): Float32Array | Int32Array {
    const { address, length } = tensor.handle;
    const start = address / 4;
    // slice() of a view over the shared buffer gives a fresh, unshared array.
    return tensor.dtype === 'int32' ? this.runtime.heap.i32.slice(start, start + length) : this.runtime.heap.f32.slice(start, start + length);
  }

  dispose(tensor: WasmTensor): void {
    const handle = tensor.handle;
    if (handle.disposed) return;
    handle.disposed = true;
    this.registry.unregister(handle);
    this.runtime.heap.free(handle.address);
  }

  /** A view of a tensor's values in its dtype (valid until the memory grows). */
  view(tensor: WasmTensor): Float32Array | Int32Array {
    const start = tensor.handle.address / 4;
    const heap = this.runtime.heap;
    return tensor.dtype === 'int32' ? heap.i32.subarray(start, start + tensor.handle.length) : heap.f32.subarray(start, start + tensor.handle.length);
  }

  /** The float32 view of a tensor's values (valid until the memory grows). */
  f32(tensor: WasmTensor): Float32Array {
    const start = tensor.handle.address / 4;
    return this.runtime.heap.f32.subarray(start, start + tensor.handle.length);
  }
}
