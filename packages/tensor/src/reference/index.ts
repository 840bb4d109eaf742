/**
 * The reference backend: the executable specification of every kernel in plain TypeScript.
 * Simple loops over typed arrays (see storage.ts), float64 accumulation where it costs nothing
 * (sum, mean, matmul, convolution), and no shortcuts whose numerics differ from the loop they
 * replace. Other backends are checked against it by the conformance suite (../testing).
 */
import type { Backend, DType, Kernels } from '../kernels/contract.js';
import { convKernels } from './conv.js';
import { elementwiseKernels } from './elementwise.js';
import { matmulKernels } from './matmul.js';
import { movementKernels } from './movement.js';
import { poolKernels } from './pool.js';
import { quantizeKernels } from './quantize.js';
import { reduceKernels } from './reduce.js';
import { wrap, type ReferenceHandle, type ReferenceTensor } from './storage.js';

// `satisfies` makes a missing or mistyped kernel a compile error here, naming the kernel.
const kernels = {
  ...elementwiseKernels,
  ...reduceKernels,
  ...movementKernels,
  ...matmulKernels,
  ...convKernels,
  ...poolKernels,
  ...quantizeKernels,
} satisfies Kernels<ReferenceHandle>;

export const referenceBackend: Backend<ReferenceHandle> = {
  name: 'reference',
  kernels,
  upload(values: Float32Array | Int32Array, shape: readonly number[], dtype: DType): ReferenceTensor {
    // slice() is a native copy; from() converts between the two types (int32 values into float32 storage).
    const copy = dtype === 'int32' ? (values instanceof Int32Array ? values.slice() : Int32Array.from(values)) : values instanceof Float32Array ? values.slice() : Float32Array.from(values);
    return wrap(copy, shape, dtype);
  },
  download(tensor: ReferenceTensor): Float32Array | Int32Array {
    return tensor.handle.slice();
  },
};

export type { ReferenceHandle, ReferenceTensor };
