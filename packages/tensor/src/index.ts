/**
 * @lowbit/tensor: immutable float32/int32 tensors, one op catalog with shape inference done once
 * per op, a kernel contract every backend satisfies, the reference backend and (in
 * `@lowbit/tensor/testing`) the backend conformance suite.
 */
export { Tensor, type NestedNumbers } from './tensor.js';
export { tensor, scalar, zeros, ones, full, arange, eye, randomUniform, randomNormal } from './creation.js';
export type { CreationOptions, RandomOptions } from './creation.js';
export { ShapeError, DTypeError, ArgumentError, BackendError, formatShape } from './errors.js';
export { registerBackend, removeBackend, setBackend, getBackend, withBackend, initBackend, ready, listBackends } from './backend.js';
export type { BackendFactory, BackendInfo } from './backend.js';
export * from './ops/index.js';
export { broadcastShapes } from './shape/broadcast.js';
export { referenceBackend } from './reference/index.js';
export type { ReferenceHandle } from './reference/index.js';
export * from './kernels/contract.js';
