import { describe, expect, it } from 'vitest';
import type { Conv2dAttributes } from '../kernels/contract.js';
import { SeededRandom } from '../testing/random.js';
import { convKernels } from './conv.js';
import { wrap } from './storage.js';

type Shape4 = [number, number, number, number];

interface Config {
  batch: number;
  inChannels: number;
  outChannels: number;
  groups: number;
  inSize: [number, number];
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  padding: Shape4;
}

/** Attributes as the op would compute them (explicit padding; output size may be 0 here). */
function attributesOf(config: Config): Conv2dAttributes {
  const { batch, inChannels, outChannels, groups, inSize, kernel, stride, dilation, padding } = config;
  const outSize = [0, 1].map((axis) => {
    const window = dilation[axis] * (kernel[axis] - 1) + 1;
    const span = inSize[axis] + padding[axis * 2] + padding[axis * 2 + 1] - window;
    return span < 0 ? 0 : Math.floor(span / stride[axis]) + 1;
  });
  return {
    stride,
    padding,
    dilation,
    groups,
    inShape: [batch, inChannels, inSize[0], inSize[1]],
    filterShape: [outChannels, inChannels / groups, kernel[0], kernel[1]],
    outShape: [batch, outChannels, outSize[0], outSize[1]],
  };
}

const size = (shape: readonly number[]) => shape.reduce((s, d) => s * d, 1);

/**
 * Every (y index, x index, filter index) triple of the convolution, straight from the definition
 * y[n,o,i,j] += w[o,c,kh,kw] * x[n, g*ICG+c, i*s-pad+kh*d, j*s-pad+kw*d]. All three naive float64
 * kernels below are sums over these triples, so they share one independent description of the op.
 */
function forEachTerm(a: Conv2dAttributes, visit: (yIndex: number, xIndex: number, wIndex: number) => void): void {
  const [batch, inChannels, inHeight, inWidth] = a.inShape;
  const [outChannels, groupChannels, kernelHeight, kernelWidth] = a.filterShape;
  const [, , outHeight, outWidth] = a.outShape;
  const outPerGroup = outChannels / a.groups;
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outChannels; o++) {
      const group = Math.floor(o / outPerGroup);
      for (let i = 0; i < outHeight; i++) {
        for (let j = 0; j < outWidth; j++) {
          const yIndex = ((n * outChannels + o) * outHeight + i) * outWidth + j;
          for (let c = 0; c < groupChannels; c++) {
            for (let kh = 0; kh < kernelHeight; kh++) {
              for (let kw = 0; kw < kernelWidth; kw++) {
                const y = i * a.stride[0] - a.padding[0] + kh * a.dilation[0];
                const x = j * a.stride[1] - a.padding[2] + kw * a.dilation[1];
                if (y < 0 || y >= inHeight || x < 0 || x >= inWidth) continue;
                const xIndex = ((n * inChannels + group * groupChannels + c) * inHeight + y) * inWidth + x;
                const wIndex = ((o * groupChannels + c) * kernelHeight + kh) * kernelWidth + kw;
                visit(yIndex, xIndex, wIndex);
              }
            }
          }
        }
      }
    }
  }
}

/** Float64 result plus sum |term| and term count per element (for the gamma(n) float32 bound). */
interface Naive {
  values: Float64Array;
  magnitudes: Float64Array;
  counts: Int32Array;
}

function naive(length: number, run: (add: (index: number, term: number) => void) => void): Naive {
  const result = { values: new Float64Array(length), magnitudes: new Float64Array(length), counts: new Int32Array(length) };
  run((index, term) => {
    result.values[index] += term;
    result.magnitudes[index] += Math.abs(term);
    result.counts[index]++;
  });
  return result;
}

const naiveForward = (a: Conv2dAttributes, x: Float32Array, w: Float32Array) =>
  naive(size(a.outShape), (add) => forEachTerm(a, (yi, xi, wi) => add(yi, x[xi] * w[wi])));
const naiveBackwardData = (a: Conv2dAttributes, dy: Float32Array, w: Float32Array) =>
  naive(size(a.inShape), (add) => forEachTerm(a, (yi, xi, wi) => add(xi, dy[yi] * w[wi])));
const naiveBackwardFilter = (a: Conv2dAttributes, x: Float32Array, dy: Float32Array) =>
  naive(size(a.filterShape), (add) => forEachTerm(a, (yi, xi, wi) => add(wi, dy[yi] * x[xi])));

const gamma = (n: number) => (n * 2 ** -24) / (1 - n * 2 ** -24);

/**
 * |actual - exact| <= gamma(count + 1) * sum |terms|: the bound for a float32 sum of `count`
 * products in any order (the kernels do better: float64 partial sums), +1 for the final rounding.
 */
function expectWithinBound(actual: Float32Array, expected: Naive): void {
  expect(actual.length).toBe(expected.values.length);
  for (let i = 0; i < actual.length; i++) {
    const error = Math.abs(actual[i] - expected.values[i]);
    if (!(error <= gamma(expected.counts[i] + 1) * expected.magnitudes[i])) {
      throw new Error(`element ${i}: got ${actual[i]}, expected ${expected.values[i]} (error ${error})`);
    }
  }
}

function randomConfig(random: SeededRandom): Config {
  const groups = random.pick([1, 1, 2, 3]);
  const depthwise = random.next() < 0.2;
  const inChannels = depthwise ? random.integer(1, 4) : groups * random.integer(1, 3);
  return {
    batch: random.pick([0, 1, 2, 3]),
    inChannels,
    outChannels: depthwise ? inChannels * random.integer(1, 2) : groups * random.integer(1, 3),
    groups: depthwise ? inChannels : groups,
    inSize: [random.integer(1, 9), random.integer(1, 9)],
    kernel: [random.integer(1, 4), random.integer(1, 4)],
    stride: [random.integer(1, 3), random.integer(1, 3)],
    dilation: [random.integer(1, 2), random.integer(1, 2)],
    padding: [random.integer(0, 2), random.integer(0, 2), random.integer(0, 2), random.integer(0, 2)],
  };
}

/** Named configurations: ResNet-like layers, chunking of several images, depthwise. */
const namedConfigs: Record<string, Config> = {
  '3x3 same, 8->8': { batch: 2, inChannels: 8, outChannels: 8, groups: 1, inSize: [6, 6], kernel: [3, 3], stride: [1, 1], dilation: [1, 1], padding: [1, 1, 1, 1] },
  '3x3 stride 2 downsampling': { batch: 3, inChannels: 4, outChannels: 8, groups: 1, inSize: [7, 8], kernel: [3, 3], stride: [2, 2], dilation: [1, 1], padding: [1, 1, 1, 1] },
  '1x1 stride 2 shortcut': { batch: 2, inChannels: 6, outChannels: 4, groups: 1, inSize: [5, 5], kernel: [1, 1], stride: [2, 2], dilation: [1, 1], padding: [0, 0, 0, 0] },
  'depthwise 3x3 multiplier 2': { batch: 2, inChannels: 5, outChannels: 10, groups: 5, inSize: [6, 5], kernel: [3, 3], stride: [1, 1], dilation: [1, 1], padding: [1, 1, 1, 1] },
  'dilated, asymmetric padding': { batch: 1, inChannels: 3, outChannels: 2, groups: 1, inSize: [9, 7], kernel: [3, 2], stride: [1, 2], dilation: [2, 3], padding: [2, 0, 1, 3] },
  // 24x24 outputs (576 pixels) put one image per GEMM chunk; 14x15 = 210 pixels give chunks of 2 + 1.
  'one image per chunk': { batch: 2, inChannels: 2, outChannels: 3, groups: 1, inSize: [24, 24], kernel: [3, 3], stride: [1, 1], dilation: [1, 1], padding: [1, 1, 1, 1] },
  'uneven chunks': { batch: 5, inChannels: 4, outChannels: 6, groups: 2, inSize: [14, 15], kernel: [3, 3], stride: [1, 1], dilation: [1, 1], padding: [1, 1, 1, 1] },
  'padding wider than the kernel': { batch: 1, inChannels: 1, outChannels: 1, groups: 1, inSize: [2, 2], kernel: [1, 1], stride: [1, 1], dilation: [1, 1], padding: [2, 2, 2, 2] },
  'empty output': { batch: 2, inChannels: 2, outChannels: 2, groups: 1, inSize: [2, 2], kernel: [3, 3], stride: [1, 1], dilation: [1, 1], padding: [0, 0, 0, 0] },
};

function check(config: Config, random: SeededRandom): void {
  const a = attributesOf(config);
  const x = random.values(size(a.inShape), -1, 1);
  const w = random.values(size(a.filterShape), -1, 1);
  const dy = random.values(size(a.outShape), -1, 1);

  const y = convKernels.conv2d(wrap(x, a.inShape), wrap(w, a.filterShape), a);
  expect(y.shape).toEqual(a.outShape);
  // Forward is the float64 sum in (c, kh, kw) order rounded once: equal to the naive sum, exactly.
  expect(Array.from(y.handle as Float32Array)).toEqual(Array.from(naiveForward(a, x, w).values, Math.fround));

  const dx = convKernels.conv2dBackwardData(wrap(dy, a.outShape), wrap(w, a.filterShape), a);
  expect(dx.shape).toEqual(a.inShape);
  expectWithinBound(dx.handle as Float32Array, naiveBackwardData(a, dy, w));

  const dw = convKernels.conv2dBackwardFilter(wrap(x, a.inShape), wrap(dy, a.outShape), a);
  expect(dw.shape).toEqual(a.filterShape);
  expectWithinBound(dw.handle as Float32Array, naiveBackwardFilter(a, x, dy));
}

describe('reference conv2d and its backward kernels', () => {
  const random = new SeededRandom(7);

  for (const [name, config] of Object.entries(namedConfigs)) {
    it(`matches naive float64 loops: ${name}`, () => check(config, random));
  }

  it('matches naive float64 loops for 150 random stride/padding/dilation/groups combinations', () => {
    for (let trial = 0; trial < 150; trial++) check(randomConfig(random), random);
  });

  it('backward kernels are the adjoint of conv2d: <conv2d(x,w), dy> = <x, dataGrad(dy,w)> = <w, filterGrad(x,dy)>', () => {
    for (let trial = 0; trial < 60; trial++) {
      const config = trial < Object.keys(namedConfigs).length ? Object.values(namedConfigs)[trial] : randomConfig(random);
      const a = attributesOf(config);
      const x = random.values(size(a.inShape), -1, 1);
      const w = random.values(size(a.filterShape), -1, 1);
      const dy = random.values(size(a.outShape), -1, 1);
      const y = convKernels.conv2d(wrap(x, a.inShape), wrap(w, a.filterShape), a).handle as Float32Array;
      const dx = convKernels.conv2dBackwardData(wrap(dy, a.outShape), wrap(w, a.filterShape), a).handle as Float32Array;
      const dw = convKernels.conv2dBackwardFilter(wrap(x, a.inShape), wrap(dy, a.outShape), a).handle as Float32Array;
      const dot = (u: Float32Array, v: Float32Array) => u.reduce((s, value, i) => s + value * v[i], 0);
      const forward = dot(y, dy);
      // All three equal sum over terms of x*w*dy exactly; each kernel output element carries at
      // most gamma(terms + 1) relative error of its own sum |terms|, so the inner products differ
      // by at most gamma(maxTerms + 1) * sum over terms |x w dy| from that exact value.
      let magnitude = 0;
      forEachTerm(a, (yi, xi, wi) => (magnitude += Math.abs(x[xi] * w[wi] * dy[yi])));
      // Terms per element: y has ICG*KH*KW, dx at most OCG*KH*KW, dw at most N*OH*OW.
      const [outChannels, groupChannels, kernelHeight, kernelWidth] = a.filterShape;
      const taps = kernelHeight * kernelWidth;
      const maxTerms = Math.max(groupChannels * taps, (outChannels / a.groups) * taps, a.outShape[0] * a.outShape[2] * a.outShape[3]);
      const bound = 2 * gamma(maxTerms + 1) * magnitude;
      expect(Math.abs(forward - dot(x, dx))).toBeLessThanOrEqual(bound);
      expect(Math.abs(forward - dot(w, dw))).toBeLessThanOrEqual(bound);
    }
  });

  it('gives zero gradients for an empty batch and keeps padding out of both backward results', () => {
    const a = attributesOf({ ...namedConfigs['3x3 same, 8->8'], batch: 0 });
    const w = random.values(size(a.filterShape));
    const dw = convKernels.conv2dBackwardFilter(wrap(new Float32Array(0), a.inShape), wrap(new Float32Array(0), a.outShape), a);
    expect((dw.handle as Float32Array).every((v) => v === 0)).toBe(true);
    const dx = convKernels.conv2dBackwardData(wrap(new Float32Array(0), a.outShape), wrap(w, a.filterShape), a);
    expect(dx.shape).toEqual(a.inShape);
  });
});
