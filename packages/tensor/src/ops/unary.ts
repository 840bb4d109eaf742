/**
 * Unary elementwise ops, clip and cast. Each is float32 in, float32 out, computed as a float64
 * function of the float32 input rounded once (see the reference backend for the exact semantics).
 */
import { ArgumentError, DTypeError } from '../errors.js';
import type { DType, UnaryOp } from '../kernels/contract.js';
import type { Tensor } from '../tensor.js';
import { backendOf, expectFloat, expectTensorArgument, runKernel } from './common.js';

function unary(op: UnaryOp, x: Tensor): Tensor<'float32'> {
  const input = expectFloat(op, x, 'x');
  const backend = backendOf(op, [input]);
  const outShape = input.shape;
  return runKernel(backend, outShape, 'float32', () => backend.kernels[op](input.kernelTensor, { outShape }));
}

/** -x */
export function neg(x: Tensor): Tensor<'float32'> {
  return unary('neg', x);
}
/** |x| */
export function abs(x: Tensor): Tensor<'float32'> {
  return unary('abs', x);
}
/** -1, 0 or 1 (NaN stays NaN, -0 stays -0). */
export function sign(x: Tensor): Tensor<'float32'> {
  return unary('sign', x);
}
export function exp(x: Tensor): Tensor<'float32'> {
  return unary('exp', x);
}
/** Natural logarithm (log 0 = -Infinity, log of a negative number = NaN). */
export function log(x: Tensor): Tensor<'float32'> {
  return unary('log', x);
}
export function sqrt(x: Tensor): Tensor<'float32'> {
  return unary('sqrt', x);
}
/** x * x */
export function square(x: Tensor): Tensor<'float32'> {
  return unary('square', x);
}
/** 1 / x */
export function reciprocal(x: Tensor): Tensor<'float32'> {
  return unary('reciprocal', x);
}
/** max(x, 0); NaN stays NaN. */
export function relu(x: Tensor): Tensor<'float32'> {
  return unary('relu', x);
}
/** 1 / (1 + exp(-x)) */
export function sigmoid(x: Tensor): Tensor<'float32'> {
  return unary('sigmoid', x);
}
export function tanh(x: Tensor): Tensor<'float32'> {
  return unary('tanh', x);
}

/** x clamped to [min, max] (NaN stays NaN). min <= max, either may be infinite. */
export function clip(x: Tensor, min: number, max: number): Tensor<'float32'> {
  const op = 'clip';
  const input = expectFloat(op, x, 'x');
  if (typeof min !== 'number' || Number.isNaN(min)) throw new ArgumentError(op, 'min', min, 'a number (not NaN)');
  if (typeof max !== 'number' || Number.isNaN(max)) throw new ArgumentError(op, 'max', max, 'a number (not NaN)');
  if (min > max) throw new ArgumentError(op, 'min/max', [min, max], 'min <= max');
  const backend = backendOf(op, [input]);
  const outShape = input.shape;
  return runKernel(backend, outShape, 'float32', () => backend.kernels.clip(input.kernelTensor, { outShape, min, max }));
}

/**
 * Converts to another dtype. float32 -> int32 truncates toward zero and saturates at the int32
 * range, NaN gives 0 (wasm's i32.trunc_sat_f32_s); int32 -> float32 rounds to nearest even.
 */
export function cast<D extends DType>(x: Tensor, dtype: D): Tensor<D> {
  const op = 'cast';
  const input = expectTensorArgument(op, x, 'x');
  if (dtype !== 'float32' && dtype !== 'int32') throw new DTypeError(op, String(dtype), "'float32' or 'int32'");
  const backend = backendOf(op, [input]);
  return runKernel(backend, input.shape, dtype, () => backend.kernels.cast(input.kernelTensor, { dtype }));
}
