/** Differentiable movement and shape ops. */
import * as T from '@lowbit/tensor';
import { ArgumentError, type SliceRange } from '@lowbit/tensor';
import { applyOp, toVariable, type Input } from '../record.js';
import type { Variable } from '../variable.js';

function many(op: string, values: readonly Input[]): Variable[] {
  if (!Array.isArray(values) || values.length === 0) throw new ArgumentError(op, 'tensors', values, 'a non-empty array of Variables or Tensors');
  return values.map((value, i) => toVariable(op, value, `tensors[${i}]`));
}

/** Permutes the axes (default: reverse them). */
export function transpose(x: Input, permutation?: readonly number[]): Variable {
  return applyOp('transpose', [toVariable('transpose', x, 'x')], (t) => T.transpose(t, permutation), { permutation });
}

/** Python-style slicing; the gradient is scattered back into zeros. */
export function slice(x: Input, ranges: readonly (SliceRange | null | undefined)[]): Variable {
  return applyOp('slice', [toVariable('slice', x, 'x')], (t) => T.slice(t, ranges), { ranges });
}

export function concat(tensors: readonly Input[], axis = 0): Variable {
  return applyOp('concat', many('concat', tensors), (...ts) => T.concat(ts, axis), { axis });
}

export function pad(x: Input, paddings: readonly (readonly [number, number])[], value = 0): Variable {
  return applyOp('pad', [toVariable('pad', x, 'x')], (t) => T.pad(t, paddings, value), { paddings, value });
}

export function stack(tensors: readonly Input[], axis = 0): Variable {
  return applyOp('stack', many('stack', tensors), (...ts) => T.stack(ts, axis), { axis });
}

export function reshape(x: Input, shape: readonly number[]): Variable {
  return applyOp('reshape', [toVariable('reshape', x, 'x')], (t) => T.reshape(t, shape), { shape });
}

export function flatten(x: Input, startAxis = 0, endAxis = -1): Variable {
  return applyOp('flatten', [toVariable('flatten', x, 'x')], (t) => T.flatten(t, startAxis, endAxis), { startAxis, endAxis });
}

export function expandDims(x: Input, axis = 0): Variable {
  return applyOp('expandDims', [toVariable('expandDims', x, 'x')], (t) => T.expandDims(t, axis), { axis });
}

export function squeeze(x: Input, axis?: number | readonly number[]): Variable {
  return applyOp('squeeze', [toVariable('squeeze', x, 'x')], (t) => T.squeeze(t, axis), { axis });
}

/** Repeats size-1 axes; the gradient is summed back. */
export function broadcastTo(x: Input, shape: readonly number[]): Variable {
  return applyOp('broadcastTo', [toVariable('broadcastTo', x, 'x')], (t) => T.broadcastTo(t, shape), { shape });
}
