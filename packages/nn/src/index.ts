/**
 * @lowbit/nn: modules over @lowbit/autograd. A Module owns named parameters, buffers and child
 * modules (stable dotted names, train/eval mode, plain-data state dicts); layers (Linear, Conv2d,
 * BatchNorm, pooling, Dropout, residual add, ...) use PyTorch's definitions and default
 * initialization; every layer can quantize its tensor roles (weights, inputs, outputs, errors,
 * weight gradients) through autograd quantization points, one layer at a time or with a
 * model-level plan; weights can be stored in a format without a float32 master copy.
 */
export { Module, type ModuleOptions } from './module.js';
export * from './layers/index.js';
export { crossEntropy, mse, type Reduction } from './losses.js';
export * from './init/index.js';
export * from './quantization/index.js';
export { functionalCall } from './functional-call.js';
export type { StateDict, ParameterState, ParameterStorageState, BufferState, LoadStateDictOptions, LoadStateDictReport } from './state-dict.js';
export type { ParameterStorage } from './storage.js';
export { manualSeed, nextSeed } from './seed.js';
export { ModuleError, StateDictError, QuantizationPlanError } from './errors.js';
