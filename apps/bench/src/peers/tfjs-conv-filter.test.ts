import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
// The union package registers TF.js' gradient functions (tfjs-core alone registers none in Node).
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { conv2dBackpropFilterFromOps, registerConv2dBackpropFilter } from './tfjs-conv-filter.js';

/** Deterministic values in [-1, 1). */
function values(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

/** The filter gradient by its definition, in float64: NHWC x, HWIO filter, explicit top/left padding. */
function naiveFilterGradient(x: Float32Array, xShape: number[], dy: Float32Array, dyShape: number[], kernel: [number, number], stride: number, padTop: number, padLeft: number): Float64Array {
  const [n, h, w, c] = xShape;
  const [, oh, ow, o] = dyShape;
  const [kh, kw] = kernel;
  const out = new Float64Array(kh * kw * c * o);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++)
      for (let xo = 0; xo < ow; xo++)
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++) {
            const yi = y * stride + i - padTop;
            const xi = xo * stride + j - padLeft;
            if (yi < 0 || yi >= h || xi < 0 || xi >= w) continue;
            for (let ci = 0; ci < c; ci++) {
              const xv = x[((b * h + yi) * w + xi) * c + ci];
              for (let co = 0; co < o; co++) out[((i * kw + j) * c + ci) * o + co] += xv * dy[((b * oh + y) * ow + xo) * o + co];
            }
          }
  return out;
}

const cases = [
  { label: 'LeNet-5 conv2 shape, valid', x: [2, 14, 14, 6], kernel: [5, 5] as [number, number], out: 16, stride: 1, pad: 'valid' as const, padTop: 0, padLeft: 0 },
  { label: "3x3 'same' (ResNet block)", x: [2, 8, 8, 4], kernel: [3, 3] as [number, number], out: 5, stride: 1, pad: 'same' as const, padTop: 1, padLeft: 1 },
  { label: '3x3 stride 2, explicit padding 1', x: [3, 9, 7, 3], kernel: [3, 3] as [number, number], out: 4, stride: 2, pad: 1, padTop: 1, padLeft: 1 },
  { label: '1x1 stride 2 shortcut', x: [2, 8, 8, 4], kernel: [1, 1] as [number, number], out: 6, stride: 2, pad: 'valid' as const, padTop: 0, padLeft: 0 },
];

describe('TF.js wasm Conv2DBackpropFilter built from TF.js ops', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    registerConv2dBackpropFilter(tf);
  }, 60_000);

  it('is registered once for wasm', () => {
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBeDefined();
    expect(registerConv2dBackpropFilter(tf)).toBe(false);
  });

  for (const testCase of cases) {
    it(`matches the definition through tf.grad: ${testCase.label}`, () => {
      const filterShape = [...testCase.kernel, testCase.x[3], testCase.out] as [number, number, number, number];
      const xValues = values(testCase.x.reduce((a, b) => a * b, 1), 1);
      const x = tf.tensor4d(xValues, testCase.x as [number, number, number, number]);
      const filter = tf.tensor4d(values(filterShape.reduce((a, b) => a * b, 1), 2), filterShape);
      const y = tf.conv2d(x, filter, testCase.stride, testCase.pad);
      const dyValues = values(y.size, 3);
      const dy = tf.tensor(dyValues, y.shape) as tf.Tensor4D;
      // The gradient of sum(conv(x, f) * dy) with respect to f is the filter gradient for dy.
      const gradient = tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, testCase.stride, testCase.pad), dy)))(filter);
      const expected = naiveFilterGradient(xValues, testCase.x, dyValues, y.shape, testCase.kernel, testCase.stride, testCase.padTop, testCase.padLeft);
      expect(gradient.shape).toEqual(filterShape);
      const actual = gradient.dataSync();
      for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i], 3);
      const direct = conv2dBackpropFilterFromOps(tf, x, dy, { strides: testCase.stride, pad: testCase.pad, filterShape });
      expect(Array.from(direct.dataSync())).toEqual(Array.from(actual));
      tf.dispose([x, filter, y, dy, gradient, direct]);
    });
  }
});
