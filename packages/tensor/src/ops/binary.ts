/**
 * Binary elementwise ops, comparisons and where. Operands broadcast (NumPy rules); a number
 * operand is a float32 scalar on the backend of the tensor operand.
 */
import type { BinaryOp, ComparisonOp } from '../kernels/contract.js';
import { broadcastShapes } from '../shape/broadcast.js';
import { Tensor } from '../tensor.js';
import { backendOf, expectTensorArgument, runKernel, tensorOrScalar } from './common.js';

/** Tensor or number (a float32 scalar). */
export type Operand = Tensor | number;

function tensorsAmong(values: readonly Operand[]): Tensor[] {
  return values.filter((value): value is Tensor => value instanceof Tensor);
}

function binary(op: BinaryOp | ComparisonOp, a: Operand, b: Operand): Tensor<'float32'> {
  const backend = backendOf(op, tensorsAmong([a, b]));
  const left = tensorOrScalar(op, a, 'a', backend);
  const right = tensorOrScalar(op, b, 'b', backend);
  const outShape = broadcastShapes(op, left.shape, right.shape);
  return runKernel(backend, outShape, 'float32', () => backend.kernels[op](left.kernelTensor, right.kernelTensor, { outShape }));
}

export function add(a: Operand, b: Operand): Tensor<'float32'> {
  return binary('add', a, b);
}
export function sub(a: Operand, b: Operand): Tensor<'float32'> {
  return binary('sub', a, b);
}
export function mul(a: Operand, b: Operand): Tensor<'float32'> {
  return binary('mul', a, b);
}
export function div(a: Operand, b: Operand): Tensor<'float32'> {
  return binary('div', a, b);
}
/** Elementwise maximum; NaN if either is NaN. */
export function maximum(a: Operand, b: Operand): Tensor<'float32'> {
  return binary('maximum', a, b);
}
/** Elementwise minimum; NaN if either is NaN. */
export function minimum(a: Operand, b: Operand): Tensor<'float32'> {
  return binary('minimum', a, b);
}
/** a ** b with Math.pow semantics (pow(x, 0) = 1, even for NaN). */
export function pow(a: Operand, b: Operand): Tensor<'float32'> {
  return binary('pow', a, b);
}

/** 1 where a == b, else 0 (float32). NaN is never equal. */
export function equal(a: Operand, b: Operand): Tensor<'float32'> {
  return binary('equal', a, b);
}
/** 1 where a != b, else 0 (NaN is not equal to anything). */
export function notEqual(a: Operand, b: Operand): Tensor<'float32'> {
  return binary('notEqual', a, b);
}
export function less(a: Operand, b: Operand): Tensor<'float32'> {
  return binary('less', a, b);
}
export function lessEqual(a: Operand, b: Operand): Tensor<'float32'> {
  return binary('lessEqual', a, b);
}
export function greater(a: Operand, b: Operand): Tensor<'float32'> {
  return binary('greater', a, b);
}
export function greaterEqual(a: Operand, b: Operand): Tensor<'float32'> {
  return binary('greaterEqual', a, b);
}

/**
 * condition != 0 ? a : b, all three broadcast together. The condition may be float32 (a
 * comparison result) or int32; a and b are float32 (numbers allowed) or both int32 tensors,
 * and the result has their dtype.
 */
export function where(condition: Tensor, a: Operand, b: Operand): Tensor {
  const op = 'where';
  const test = expectTensorArgument(op, condition, 'condition');
  const backend = backendOf(op, [test, ...tensorsAmong([a, b])]);
  const bothInt = a instanceof Tensor && b instanceof Tensor && a.dtype === 'int32' && b.dtype === 'int32';
  const left = bothInt ? (a as Tensor) : tensorOrScalar(op, a, 'a', backend);
  const right = bothInt ? (b as Tensor) : tensorOrScalar(op, b, 'b', backend);
  const outShape = broadcastShapes(op, test.shape, left.shape, right.shape);
  return runKernel(backend, outShape, left.dtype, () =>
    backend.kernels.where(test.kernelTensor, left.kernelTensor, right.kernelTensor, { outShape }),
  );
}
