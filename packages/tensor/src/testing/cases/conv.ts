/**
 * Conformance cases of conv2d, conv2dBackwardData and conv2dBackwardFilter. Expected values are
 * float64 sums over the terms of the definition (cross-correlation, NCHW/OIHW, stride, padding
 * [top, bottom, left, right], dilation, groups). A float32 sum of n products in any order is
 * within gamma(n) * sum |terms| of the exact sum, which is the per-element tolerance; small
 * integer inputs are exact. The adjoint case checks that the backward kernels are the transposes
 * of the forward one: <conv2d(x, w), dy> = <x, backwardData(dy, w)> = <w, backwardFilter(x, dy)>.
 */
import type { Conv2dAttributes } from '../../kernels/contract.js';
import { conv2d, conv2dAttributes, conv2dBackwardData, conv2dBackwardFilter, type Conv2dOptions } from '../../ops/conv.js';
import type { Tensor } from '../../tensor.js';
import { ConformanceError, expectTensor, gamma } from '../assert.js';
import { defineCases, type CaseContext, type ConformanceCase } from '../case.js';
import type { SeededRandom } from '../random.js';
import { sizeOf } from '../nd.js';

type ConvOp = 'conv2d' | 'conv2dBackwardData' | 'conv2dBackwardFilter';

interface Layer {
  inShape: [number, number, number, number];
  filterShape: [number, number, number, number];
  options: Conv2dOptions;
}

/** Calls visit(y index, x index, filter index) for every product term of the convolution. */
function forEachTerm(a: Conv2dAttributes, visit: (yIndex: number, xIndex: number, filterIndex: number) => void): void {
  const [batch, inChannels, inHeight, inWidth] = a.inShape;
  const [outChannels, groupChannels, kernelHeight, kernelWidth] = a.filterShape;
  const [, , outHeight, outWidth] = a.outShape;
  const outPerGroup = outChannels / a.groups;
  for (let n = 0; n < batch; n++)
    for (let o = 0; o < outChannels; o++)
      for (let i = 0; i < outHeight; i++)
        for (let j = 0; j < outWidth; j++)
          for (let c = 0; c < groupChannels; c++)
            for (let kh = 0; kh < kernelHeight; kh++)
              for (let kw = 0; kw < kernelWidth; kw++) {
                const y = i * a.stride[0] - a.padding[0] + kh * a.dilation[0];
                const x = j * a.stride[1] - a.padding[2] + kw * a.dilation[1];
                if (y < 0 || y >= inHeight || x < 0 || x >= inWidth) continue;
                const channel = Math.floor(o / outPerGroup) * groupChannels + c;
                visit(
                  ((n * outChannels + o) * outHeight + i) * outWidth + j,
                  ((n * inChannels + channel) * inHeight + y) * inWidth + x,
                  ((o * groupChannels + c) * kernelHeight + kh) * kernelWidth + kw,
                );
              }
}

/** Float64 result of one op and its gamma(n) * sum |terms| bounds. */
function expected(op: ConvOp, a: Conv2dAttributes, first: Float32Array, second: Float32Array) {
  const shape = op === 'conv2d' ? a.outShape : op === 'conv2dBackwardData' ? a.inShape : a.filterShape;
  const values = new Float64Array(sizeOf(shape));
  const magnitudes = new Float64Array(values.length);
  const counts = new Float64Array(values.length);
  forEachTerm(a, (yi, xi, wi) => {
    // conv2d(x, w), conv2dBackwardData(dy, w), conv2dBackwardFilter(x, dy)
    const [target, term] =
      op === 'conv2d' ? [yi, first[xi] * second[wi]] : op === 'conv2dBackwardData' ? [xi, first[yi] * second[wi]] : [wi, first[xi] * second[yi]];
    values[target] += term;
    magnitudes[target] += Math.abs(term);
    counts[target]++;
  });
  return { shape, values, bounds: magnitudes.map((magnitude, i) => gamma(counts[i]) * magnitude) };
}

function run(op: ConvOp, first: Tensor, second: Tensor, layer: Layer): Tensor {
  if (op === 'conv2d') return conv2d(first, second, layer.options);
  if (op === 'conv2dBackwardData') return conv2dBackwardData(first, second, { ...layer.options, inShape: layer.inShape });
  return conv2dBackwardFilter(first, second, { ...layer.options, filterShape: layer.filterShape });
}

/** Runs `op` on random (or small-integer) inputs of `layer` and compares with the float64 sums. */
function checkLayer(c: CaseContext, op: ConvOp, layer: Layer, exact = false): void {
  const a = conv2dAttributes(op, layer.inShape, layer.filterShape, layer.options);
  const make = (shape: readonly number[]) => (exact ? c.integers(shape, -3, 3) : c.uniform(shape));
  const x = make(a.inShape);
  const filter = make(a.filterShape);
  const dy = make(a.outShape);
  const [first, second] = op === 'conv2d' ? [x, filter] : op === 'conv2dBackwardData' ? [dy, filter] : [x, dy];
  const reference = expected(op, a, first.data() as Float32Array, second.data() as Float32Array);
  const label = `${op} x [${a.inShape}] filter [${a.filterShape}] ${JSON.stringify(layer.options)}`;
  expectTensor(run(op, first, second, layer), reference, exact ? 'exact' : { bounds: reference.bounds }, label);
}

const layer = (inShape: Layer['inShape'], filterShape: Layer['filterShape'], options: Conv2dOptions = {}): Layer => ({ inShape, filterShape, options });

/** Layers every op is checked on. */
const LAYERS: Record<string, Layer> = {
  '3x3 same padding (ResNet block, small)': layer([2, 4, 6, 6], [5, 4, 3, 3], { padding: 1 }),
  '3x3 stride 2 downsampling, odd input': layer([2, 3, 7, 9], [4, 3, 3, 3], { stride: 2, padding: 1 }),
  '1x1 stride 2 shortcut': layer([2, 6, 5, 5], [4, 6, 1, 1], { stride: 2 }),
  'asymmetric padding, non-square kernel and stride': layer([1, 2, 7, 6], [3, 2, 3, 2], { stride: [1, 2], padding: [2, 0, 1, 3] }),
  'dilation 2x3': layer([2, 2, 9, 9], [2, 2, 3, 2], { dilation: [2, 3], padding: [1, 1, 2, 2] }),
  'groups 2': layer([2, 4, 5, 5], [6, 2, 3, 3], { groups: 2, padding: 1 }),
  'depthwise with channel multiplier 2': layer([2, 3, 6, 5], [6, 1, 3, 3], { groups: 3, padding: 1 }),
  "padding 'same' with stride 2": layer([1, 2, 8, 7], [2, 2, 3, 3], { stride: 2, padding: 'same' }),
  'kernel as large as the input (1x1 output)': layer([3, 2, 4, 4], [2, 2, 4, 4]),
  'many images with few pixels (deep-layer shape)': layer([9, 16, 2, 2], [8, 16, 3, 3], { padding: 1 }),
  'one image with many pixels': layer([1, 2, 30, 30], [3, 2, 3, 3], { padding: 1 }),
};

function randomLayer(random: SeededRandom): Layer {
  const groups = random.pick([1, 1, 2, 3]);
  const kernel: [number, number] = [random.integer(1, 4), random.integer(1, 4)];
  const dilation: [number, number] = [random.integer(1, 2), random.integer(1, 2)];
  const padding: [number, number, number, number] = [random.integer(0, 2), random.integer(0, 2), random.integer(0, 2), random.integer(0, 2)];
  // The dilated window must fit into the padded input at least once.
  const size = (axis: number) => Math.max(1, dilation[axis] * (kernel[axis] - 1) + 1 - padding[2 * axis] - padding[2 * axis + 1]) + random.integer(0, 5);
  const inChannels = groups * random.integer(1, 3);
  return layer([random.integer(1, 3), inChannels, size(0), size(1)], [groups * random.integer(1, 3), inChannels / groups, kernel[0], kernel[1]], {
    stride: [random.integer(1, 3), random.integer(1, 3)],
    padding,
    dilation,
    groups,
  });
}

function convCasesOf(op: ConvOp): ConformanceCase[] {
  return defineCases(op, {
    'small integers are exact (3x3, padding 1, stride 2, groups 2)': (c) => {
      checkLayer(c, op, LAYERS['3x3 same padding (ResNet block, small)'], true);
      checkLayer(c, op, layer([2, 4, 7, 6], [4, 2, 3, 3], { stride: 2, padding: 1, groups: 2 }), true);
    },
    ...Object.fromEntries(Object.entries(LAYERS).map(([name, l]) => [name, (c: CaseContext) => checkLayer(c, op, l)])),
    '25 random stride/padding/dilation/groups combinations': (c) => {
      for (let trial = 0; trial < 25; trial++) checkLayer(c, op, randomLayer(c.random));
    },
    'empty batch and zero channels': (c) => {
      checkLayer(c, op, layer([0, 2, 4, 4], [3, 2, 3, 3], { padding: 1 }), true);
      checkLayer(c, op, layer([2, 0, 4, 4], [3, 0, 3, 3]), true);
      checkLayer(c, op, layer([2, 2, 4, 4], [0, 2, 3, 3]), true);
    },
  });
}

/** <conv2d(x, w), dy> = <x, conv2dBackwardData(dy, w)> = <w, conv2dBackwardFilter(x, dy)>. */
function checkAdjoint(c: CaseContext, l: Layer): void {
  const a = conv2dAttributes('conv2d', l.inShape, l.filterShape, l.options);
  const [x, w, dy] = [c.uniform(a.inShape), c.uniform(a.filterShape), c.uniform(a.outShape)];
  const dot = (u: Tensor, v: Tensor) => {
    const [p, q] = [u.data(), v.data()];
    let sum = 0;
    for (let i = 0; i < p.length; i++) sum += p[i] * q[i];
    return sum;
  };
  const forward = dot(conv2d(x, w, l.options), dy);
  const data = dot(x, conv2dBackwardData(dy, w, { ...l.options, inShape: l.inShape }));
  const filter = dot(w, conv2dBackwardFilter(x, dy, { ...l.options, filterShape: l.filterShape }));
  // Each kernel's outputs carry at most gamma(terms) relative error of their sum |terms|.
  let magnitude = 0;
  const [xv, wv, dyv] = [x.data(), w.data(), dy.data()];
  forEachTerm(a, (yi, xi, wi) => (magnitude += Math.abs(xv[xi] * wv[wi] * dyv[yi])));
  const [outChannels, groupChannels, kh, kw] = a.filterShape;
  const terms = Math.max(groupChannels * kh * kw, (outChannels / a.groups) * kh * kw, a.outShape[0] * a.outShape[2] * a.outShape[3]);
  const allowed = 2 * gamma(terms + 1) * magnitude;
  for (const [name, value] of [['backward data', data], ['backward filter', filter]] as const) {
    if (!(Math.abs(value - forward) <= allowed)) {
      throw new ConformanceError(`adjoint: <conv2d(x,w), dy> = ${forward} but <., ${name}> = ${value} (allowed difference ${allowed})`);
    }
  }
}

export const convCases: ConformanceCase[] = [
  ...convCasesOf('conv2d'),
  ...convCasesOf('conv2dBackwardData'),
  ...convCasesOf('conv2dBackwardFilter'),
  ...defineCases('conv2dBackwardData', {
    'both backward kernels are the adjoints of conv2d': (c) => {
      for (const l of Object.values(LAYERS)) checkAdjoint(c, l);
    },
  }),
];
