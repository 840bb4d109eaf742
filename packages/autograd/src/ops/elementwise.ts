/**
 * Differentiable elementwise ops: the catalog's unary and binary ops, comparisons, where, clip and
 * cast, taking Variables (or Tensors, treated as constants; numbers for binary operands) and
 * returning Variables. Forward values are exactly those of @lowbit/tensor.
 */
import * as T from '@lowbit/tensor';
import type { BinaryOp, ComparisonOp, DType, UnaryOp } from '@lowbit/tensor';
import { applyOp, toOperand, toVariable, type Input } from '../record.js';
import type { Variable } from '../variable.js';

/** A binary operand: a Variable, a Tensor (constant) or a number (a float32 scalar). */
export type Operand = Input | number;

function unary(op: UnaryOp, x: Input): Variable {
  return applyOp(op, [toVariable(op, x, 'x')], (t) => T[op](t), undefined);
}

function binary(op: BinaryOp | ComparisonOp, a: Operand, b: Operand): Variable {
  const left = toOperand(op, a, 'a', b);
  const right = toOperand(op, b, 'b', a);
  return applyOp(op, [left, right], (l, r) => T[op](l, r), undefined);
}

export const neg = (x: Input): Variable => unary('neg', x);
export const abs = (x: Input): Variable => unary('abs', x);
/** -1, 0 or 1; its gradient is zero (use quantizer({ estimator: 'sign' }) to binarize). */
export const sign = (x: Input): Variable => unary('sign', x);
export const exp = (x: Input): Variable => unary('exp', x);
export const log = (x: Input): Variable => unary('log', x);
export const sqrt = (x: Input): Variable => unary('sqrt', x);
export const square = (x: Input): Variable => unary('square', x);
export const reciprocal = (x: Input): Variable => unary('reciprocal', x);
export const relu = (x: Input): Variable => unary('relu', x);
export const sigmoid = (x: Input): Variable => unary('sigmoid', x);
export const tanh = (x: Input): Variable => unary('tanh', x);

export const add = (a: Operand, b: Operand): Variable => binary('add', a, b);
export const sub = (a: Operand, b: Operand): Variable => binary('sub', a, b);
export const mul = (a: Operand, b: Operand): Variable => binary('mul', a, b);
export const div = (a: Operand, b: Operand): Variable => binary('div', a, b);
/** Elementwise maximum; on ties each operand gets half the gradient. */
export const maximum = (a: Operand, b: Operand): Variable => binary('maximum', a, b);
/** Elementwise minimum; on ties each operand gets half the gradient. */
export const minimum = (a: Operand, b: Operand): Variable => binary('minimum', a, b);
export const pow = (a: Operand, b: Operand): Variable => binary('pow', a, b);

/** Comparisons give float32 1/0 constants: they never carry a gradient. */
export const equal = (a: Operand, b: Operand): Variable => binary('equal', a, b);
export const notEqual = (a: Operand, b: Operand): Variable => binary('notEqual', a, b);
export const less = (a: Operand, b: Operand): Variable => binary('less', a, b);
export const lessEqual = (a: Operand, b: Operand): Variable => binary('lessEqual', a, b);
export const greater = (a: Operand, b: Operand): Variable => binary('greater', a, b);
export const greaterEqual = (a: Operand, b: Operand): Variable => binary('greaterEqual', a, b);

/** condition != 0 ? a : b (broadcast); the condition gets no gradient. */
export function where(condition: Input, a: Operand, b: Operand): Variable {
  const op = 'where';
  const test = toVariable(op, condition, 'condition');
  // A number branch becomes a scalar on the backend of the other branch (or the condition's).
  const like = typeof a !== 'number' ? a : typeof b !== 'number' ? b : condition;
  const left = toOperand(op, a, 'a', like);
  const right = toOperand(op, b, 'b', like);
  return applyOp(op, [test, left, right], (c, l, r) => T.where(c, l, r), undefined);
}

/** x clamped to [min, max]; the gradient passes where min <= x <= max. */
export function clip(x: Input, min: number, max: number): Variable {
  return applyOp('clip', [toVariable('clip', x, 'x')], (t) => T.clip(t, min, max), { min, max });
}

/** Converts the dtype; float32 -> float32 passes the gradient, an int32 result is a constant. */
export function cast(x: Input, dtype: DType): Variable {
  return applyOp('cast', [toVariable('cast', x, 'x')], (t) => T.cast(t, dtype), { dtype });
}
