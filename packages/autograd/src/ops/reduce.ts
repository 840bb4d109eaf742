/** Differentiable reductions and the composite ops built on them. */
import * as T from '@lowbit/tensor';
import type { ReduceOptions } from '@lowbit/tensor';
import { applyOp, toVariable, type Input } from '../record.js';
import type { Variable } from '../variable.js';

function reduce(op: 'sum' | 'mean' | 'max' | 'min' | 'argmax' | 'argmin', x: Input, options: ReduceOptions | undefined): Variable {
  return applyOp(op, [toVariable(op, x, 'x')], (t) => T[op](t, options), options);
}

export const sum = (x: Input, options?: ReduceOptions): Variable => reduce('sum', x, options);
export const mean = (x: Input, options?: ReduceOptions): Variable => reduce('mean', x, options);
/** Maximum; tied maxima share the gradient evenly. */
export const max = (x: Input, options?: ReduceOptions): Variable => reduce('max', x, options);
/** Minimum; tied minima share the gradient evenly. */
export const min = (x: Input, options?: ReduceOptions): Variable => reduce('min', x, options);
/** int32 indices: a constant. */
export const argmax = (x: Input, options?: ReduceOptions): Variable => reduce('argmax', x, options);
/** int32 indices: a constant. */
export const argmin = (x: Input, options?: ReduceOptions): Variable => reduce('argmin', x, options);

/** Softmax along `axis` (default -1), with its own gradient rule (not traced through exp/sum). */
export function softmax(x: Input, axis = -1): Variable {
  return applyOp('softmax', [toVariable('softmax', x, 'x')], (t) => T.softmax(t, axis), { axis });
}

/** log(softmax(x)) along `axis` (default -1), stable, with its own gradient rule. */
export function logSoftmax(x: Input, axis = -1): Variable {
  return applyOp('logSoftmax', [toVariable('logSoftmax', x, 'x')], (t) => T.logSoftmax(t, axis), { axis });
}
