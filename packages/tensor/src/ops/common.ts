/** What every op does before calling its kernel: check tensors, find the backend, wrap results. */
import { getBackend } from '../backend.js';
import { ArgumentError, BackendError, DTypeError } from '../errors.js';
import type { Backend, DType, KernelTensor } from '../kernels/contract.js';
import { sizeOf } from '../shape/util.js';
import { Tensor } from '../tensor.js';

/** An argument that must be a Tensor. */
export function expectTensorArgument(op: string, value: unknown, field: string): Tensor {
  if (!(value instanceof Tensor)) {
    throw new ArgumentError(op, field, value, 'a Tensor', 'make one with tensor(values, shape)');
  }
  return value;
}

/** An argument that must be a float32 Tensor. */
export function expectFloat(op: string, value: unknown, field: string): Tensor<'float32'> {
  const tensor = expectTensorArgument(op, value, field);
  if (tensor.dtype !== 'float32') {
    throw new DTypeError(op, tensor.dtype, "'float32'", `${field} is ${tensor.dtype}; convert it with cast(${field}, 'float32')`);
  }
  return tensor as Tensor<'float32'>;
}

/**
 * The backend all tensor inputs live on. Mixing backends is an error rather than a silent copy:
 * a copy hidden in an op would be paid on every training step.
 */
export function backendOf(op: string, tensors: readonly Tensor[]): Backend {
  if (tensors.length === 0) return getBackend();
  const backend = tensors[0].backend;
  for (let i = 1; i < tensors.length; i++) {
    if (tensors[i].backend !== backend) {
      throw new BackendError(
        `${op}: inputs live on different backends ('${backend.name}' and '${tensors[i].backend.name}'); ` +
          `move one first, e.g. x.toBackend('${backend.name}')`,
      );
    }
  }
  return backend;
}

/** A Tensor argument, or a number that becomes a float32 scalar on `backend`. */
export function tensorOrScalar(op: string, value: Tensor | number, field: string, backend: Backend): Tensor<'float32'> {
  if (typeof value === 'number') return new Tensor(backend.upload(new Float32Array([value]), [], 'float32'), backend) as Tensor<'float32'>;
  return expectFloat(op, value, field);
}

/**
 * Wraps the kernel's result. When the output is empty the kernel is not called at all: an empty
 * result needs no arithmetic, and no backend has to handle zero-sized loops for it.
 */
export function runKernel<D extends DType>(backend: Backend, outShape: readonly number[], dtype: D, call: () => KernelTensor): Tensor<D> {
  if (sizeOf(outShape) === 0) {
    const empty = dtype === 'int32' ? new Int32Array(0) : new Float32Array(0);
    return new Tensor<D>(backend.upload(empty, outShape, dtype), backend);
  }
  return new Tensor<D>(call(), backend);
}

/** A boolean option (undefined = fallback). */
export function booleanOption(op: string, field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ArgumentError(op, field, value, 'true or false');
  return value;
}
