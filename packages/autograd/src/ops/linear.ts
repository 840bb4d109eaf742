/** Differentiable matmul, convolutions, pooling and the catalog's quantize (straight-through). */
import * as T from '@lowbit/tensor';
import type { Conv2dOptions, MatmulOptions, Pool2dOptions, QuantizeOpOptions } from '@lowbit/tensor';
import type { ElementFormat, TensorFormat } from '@lowbit/formats';
import { applyOp, toVariable, type Input } from '../record.js';
import type { Variable } from '../variable.js';

export function matmul(a: Input, b: Input, options?: MatmulOptions): Variable {
  return applyOp('matmul', [toVariable('matmul', a, 'a'), toVariable('matmul', b, 'b')], (l, r) => T.matmul(l, r, options), options);
}

export function conv2d(x: Input, filter: Input, options?: Conv2dOptions): Variable {
  return applyOp('conv2d', [toVariable('conv2d', x, 'x'), toVariable('conv2d', filter, 'filter')], (t, f) => T.conv2d(t, f, options), options);
}

export function conv2dBackwardData(dy: Input, filter: Input, options: Conv2dOptions & { inShape: readonly number[] }): Variable {
  const op = 'conv2dBackwardData';
  return applyOp(op, [toVariable(op, dy, 'dy'), toVariable(op, filter, 'filter')], (g, f) => T.conv2dBackwardData(g, f, options), options);
}

export function conv2dBackwardFilter(x: Input, dy: Input, options: Conv2dOptions & { filterShape: readonly number[] }): Variable {
  const op = 'conv2dBackwardFilter';
  return applyOp(op, [toVariable(op, x, 'x'), toVariable(op, dy, 'dy')], (t, g) => T.conv2dBackwardFilter(t, g, options), options);
}

export function maxPool2d(x: Input, options: Pool2dOptions): Variable {
  return applyOp('maxPool2d', [toVariable('maxPool2d', x, 'x')], (t) => T.maxPool2d(t, options), options);
}

export function maxPool2dBackward(dy: Input, x: Input, options: Pool2dOptions): Variable {
  const op = 'maxPool2dBackward';
  return applyOp(op, [toVariable(op, dy, 'dy'), toVariable(op, x, 'x')], (g, t) => T.maxPool2dBackward(g, t, options), options);
}

export function avgPool2d(x: Input, options: Pool2dOptions): Variable {
  return applyOp('avgPool2d', [toVariable('avgPool2d', x, 'x')], (t) => T.avgPool2d(t, options), options);
}

export function avgPool2dBackward(dy: Input, options: Pool2dOptions & { inShape: readonly number[] }): Variable {
  const op = 'avgPool2dBackward';
  return applyOp(op, [toVariable(op, dy, 'dy')], (g) => T.avgPool2dBackward(g, options), options);
}

/**
 * The catalog's quantize with a plain straight-through gradient. For backward formats, clipped
 * estimators, scaling, seeds and statistics use `quantizer(...)`.
 */
export function quantize(x: Input, format: ElementFormat | TensorFormat, options?: QuantizeOpOptions): Variable {
  return applyOp('quantize', [toVariable('quantize', x, 'x')], (t) => T.quantize(t, format, options), { format, options });
}
