/** The differentiable ops: one per name of @lowbit/tensor's catalog, plus the fused loss. */
export * from './elementwise.js';
export * from './reduce.js';
export * from './movement.js';
export * from './linear.js';
export { softmaxCrossEntropy, type SoftmaxCrossEntropyOptions } from './losses.js';
