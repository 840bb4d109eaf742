/**
 * @lowbit/autograd: reverse-mode differentiation over @lowbit/tensor, small enough to read in one
 * sitting (micrograd/tinygrad style): Variable and Parameter, `backward`, one differentiable op per
 * name of the tensor catalog with its rule in one table (GRADIENTS), custom gradients for fused
 * ops, and quantization points with straight-through estimators, scaling policies and per-step
 * statistics. The finite-difference gradient check is in `@lowbit/autograd/testing`.
 */
export { Variable, variable, detach, type Operation, type VariableOptions } from './variable.js';
export { Parameter, parameter, type ParameterOptions, type AssignOptions, type SetFormatOptions } from './parameter.js';
export { backward, gradients, type BackwardOptions } from './backward.js';
export { noGrad, isGradientEnabled } from './mode.js';
export { BackwardError, GradientShapeError, MissingGradientError } from './errors.js';
export {
  applyOp,
  customGradient,
  recordOperation,
  registerGradient,
  gradientEntry,
  type Input,
  type CustomBackwardContext,
  type CustomForwardResult,
  type CustomGradientOptions,
} from './record.js';
export { GRADIENTS, rule, nonDifferentiable, ifNeeded, reduceToShape, type ForwardContext, type GradientEntry, type GradientRule, type NonDifferentiable } from './gradients/index.js';
export * from './ops/index.js';
export * from './quantization/index.js';
export { RandomStream, deriveSeed } from './random-stream.js';
