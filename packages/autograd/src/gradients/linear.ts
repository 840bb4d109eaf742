/**
 * Gradient rules of matmul, the convolutions and pooling. conv2d's rule is its two backward
 * kernels; the backward kernels are themselves linear in each argument, so their rules are the
 * other two kernels (the adjoint of conv2dBackwardData in dy is conv2d, and so on). Pooling uses
 * the pooling backward kernels.
 */
import * as T from '@lowbit/tensor';
import type { Conv2dOptions, MatmulOptions, Pool2dOptions, Tensor } from '@lowbit/tensor';
import { reduceToShape } from './helpers.js';
import { ifNeeded, rule, type ForwardContext, type GradientEntry } from './types.js';

export type MatmulAttributes = MatmulOptions | undefined;
export type Conv2dAttributes = Conv2dOptions | undefined;
export type Conv2dBackwardDataAttributes = Conv2dOptions & { inShape: readonly number[] };
export type Conv2dBackwardFilterAttributes = Conv2dOptions & { filterShape: readonly number[] };
export type Pool2dAttributes = Pool2dOptions;
export type Pool2dBackwardAttributes = Pool2dOptions & { inShape: readonly number[] };

/**
 * C = op(A) op(B) with op = identity or transpose: dA and dB for the four combinations, written so
 * that no transposed copy is ever made (the flags go to matmul). Batch axes that were broadcast
 * are summed back.
 */
function matmulGradient(dy: Tensor, forward: ForwardContext<MatmulAttributes>): (Tensor | null)[] {
  const [a, b] = forward.inputs;
  const transposeA = forward.attributes?.transposeA ?? false;
  const transposeB = forward.attributes?.transposeB ?? false;
  let da: () => Tensor;
  let db: () => Tensor;
  if (!transposeA && !transposeB) {
    da = () => T.matmul(dy, b, { transposeB: true }); // dC B^T
    db = () => T.matmul(a, dy, { transposeA: true }); // A^T dC
  } else if (transposeA && !transposeB) {
    da = () => T.matmul(b, dy, { transposeB: true }); // (A^T B): dA = B dC^T
    db = () => T.matmul(a, dy); // dB = A dC
  } else if (!transposeA && transposeB) {
    da = () => T.matmul(dy, b); // (A B^T): dA = dC B
    db = () => T.matmul(dy, a, { transposeA: true }); // dB = dC^T A
  } else {
    da = () => T.matmul(b, dy, { transposeA: true, transposeB: true }); // (A^T B^T): dA = B^T dC^T
    db = () => T.matmul(dy, a, { transposeA: true, transposeB: true }); // dB = dC^T A^T
  }
  return [ifNeeded(forward, 0, () => reduceToShape(da(), a.shape)), ifNeeded(forward, 1, () => reduceToShape(db(), b.shape))];
}

export const matmulGradients = {
  matmul: rule<MatmulAttributes>(matmulGradient),
} satisfies Record<'matmul', GradientEntry>;

/** Conv options without the shape fields of the backward ops (each call adds its own). */
function convOptions(attributes: Conv2dOptions | undefined): Conv2dOptions {
  return { stride: attributes?.stride, padding: attributes?.padding, dilation: attributes?.dilation, groups: attributes?.groups };
}

export const convGradients = {
  conv2d: rule<Conv2dAttributes>((dy, f) => {
    const [x, filter] = f.inputs;
    const options = convOptions(f.attributes);
    return [
      ifNeeded(f, 0, () => T.conv2dBackwardData(dy, filter, { ...options, inShape: x.shape })),
      ifNeeded(f, 1, () => T.conv2dBackwardFilter(x, dy, { ...options, filterShape: filter.shape })),
    ];
  }),
  // <g, BD(dy, f)> = <conv2d(g, f), dy>: the adjoint in dy is conv2d, in f the filter gradient.
  conv2dBackwardData: rule<Conv2dBackwardDataAttributes>((g, f) => {
    const [dy, filter] = f.inputs;
    const options = convOptions(f.attributes);
    return [ifNeeded(f, 0, () => T.conv2d(g, filter, options)), ifNeeded(f, 1, () => T.conv2dBackwardFilter(g, dy, { ...options, filterShape: filter.shape }))];
  }),
  // <g, BF(x, dy)> = <conv2d(x, g), dy>: in x the data gradient with filter g, in dy conv2d(x, g).
  conv2dBackwardFilter: rule<Conv2dBackwardFilterAttributes>((g, f) => {
    const [x, dy] = f.inputs;
    const options = convOptions(f.attributes);
    return [ifNeeded(f, 0, () => T.conv2dBackwardData(dy, g, { ...options, inShape: x.shape })), ifNeeded(f, 1, () => T.conv2d(x, g, options))];
  }),
} satisfies Record<'conv2d' | 'conv2dBackwardData' | 'conv2dBackwardFilter', GradientEntry>;

function poolOptions(attributes: Pool2dOptions): Pool2dOptions {
  return { kernelSize: attributes.kernelSize, stride: attributes.stride, padding: attributes.padding };
}

/**
 * For every pooling window, the value of `values` at the cell where x has its first maximum: the
 * adjoint of maxPool2dBackward in dy. Windows are gathered with strided slices of x padded with
 * -Infinity (padding never wins, as in the kernel) and the winner is argmax along the window axis,
 * which takes the first maximum in row-major window order and treats NaN as largest, like the
 * kernel. (A window whose real cells are all -Infinity may pick a padded cell: no gradient then.)
 */
export function windowGather(values: Tensor, x: Tensor, options: Pool2dOptions): Tensor {
  const attributes = T.pool2dAttributes('maxPool2dBackward', x.shape, options);
  const [kernelHeight, kernelWidth] = attributes.kernelSize;
  const [strideY, strideX] = attributes.stride;
  const [top, bottom, left, right] = attributes.padding;
  const [, , outHeight, outWidth] = attributes.outShape;
  const paddings: [number, number][] = [[0, 0], [0, 0], [top, bottom], [left, right]];
  const paddedX = T.pad(x, paddings, -Infinity);
  const paddedValues = T.pad(values, paddings, 0);
  const xWindows: Tensor[] = [];
  const valueWindows: Tensor[] = [];
  for (let p = 0; p < kernelHeight; p++) {
    for (let q = 0; q < kernelWidth; q++) {
      const ranges = [null, null, { start: p, stop: p + (outHeight - 1) * strideY + 1, step: strideY }, { start: q, stop: q + (outWidth - 1) * strideX + 1, step: strideX }];
      xWindows.push(T.slice(paddedX, ranges));
      valueWindows.push(T.slice(paddedValues, ranges));
    }
  }
  const cells = kernelHeight * kernelWidth;
  const winner = T.cast(T.argmax(T.stack(xWindows, 2), { axis: 2, keepDims: true }), 'float32');
  const positions = T.reshape(T.arange(cells, undefined, 1, { backend: x.backend }), [1, 1, cells, 1, 1]);
  return T.sum(T.where(T.equal(winner, positions), T.stack(valueWindows, 2), 0), { axis: 2 });
}

export const poolGradients = {
  maxPool2d: rule<Pool2dAttributes>((dy, { inputs: [x], attributes }) => [T.maxPool2dBackward(dy, x, poolOptions(attributes))]),
  // Linear in dy (the gather above); piecewise constant in x, so x gets no gradient.
  maxPool2dBackward: rule<Pool2dAttributes>((g, f) => [ifNeeded(f, 0, () => windowGather(g, f.inputs[1], poolOptions(f.attributes))), null]),
  avgPool2d: rule<Pool2dAttributes>((dy, { inputs: [x], attributes }) => [T.avgPool2dBackward(dy, { ...poolOptions(attributes), inShape: x.shape })]),
  // avgPool2d and avgPool2dBackward are each other's adjoint.
  avgPool2dBackward: rule<Pool2dBackwardAttributes>((g, { attributes }) => [T.avgPool2d(g, poolOptions(attributes))]),
} satisfies Record<'maxPool2d' | 'maxPool2dBackward' | 'avgPool2d' | 'avgPool2dBackward', GradientEntry>;

export const quantizeGradients = {
  // Rounding is piecewise constant; the catalog op passes the gradient straight through (STE).
  // Clipped estimators, backward formats and scaling live in quantizer().
  quantize: rule((dy) => [dy]),
} satisfies Record<'quantize', GradientEntry>;
