import { floatFormat } from '@lowbit/formats';
import { referenceBackend, type Backend, type KernelTensor } from '@lowbit/tensor';
import { SeededRandom } from '@lowbit/tensor/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wasmBackend } from './backend.js';

// Kernels give the same bits on one thread and on two (work is split by rows, images, planes or
// elements, never inside a sum except a GEMM's depth in chunks fixed by the problem: see
// src/kernels/gemm.test.ts), and large problems (several cache blocks of the GEMM) stay within the
// float32 error bound of the exact result.
const one = wasmBackend({ threads: 1, name: 'wasm-1' });
const two = wasmBackend({ threads: 2, name: 'wasm-2' });
beforeAll(() => two.ready());
afterAll(() => two.shutdown());

function values(length: number, seed: number): Float32Array {
  return new SeededRandom(seed).values(length);
}

function bits(backend: Backend, tensor: KernelTensor): Uint32Array {
  return new Uint32Array((backend.download(tensor) as Float32Array).buffer);
}

/** Runs a kernel on both backends with the same inputs; returns both results' bits. */
function onBoth(inputs: { values: Float32Array; shape: number[] }[], run: (backend: Backend, tensors: KernelTensor[]) => KernelTensor): [Uint32Array, Uint32Array] {
  const results = [one, two].map((backend) => {
    const tensors = inputs.map(({ values, shape }) => backend.upload(values, shape, 'float32'));
    return bits(backend, run(backend, tensors));
  });
  return [results[0], results[1]];
}

const conv = {
  stride: [2, 1] as const,
  padding: [1, 2, 0, 1] as const,
  dilation: [1, 2] as const,
  groups: 2,
  inShape: [5, 4, 17, 19] as const,
  filterShape: [6, 2, 3, 3] as const,
  outShape: [5, 6, 9, 16] as const,
};

describe('results do not depend on the thread count', () => {
  it('batched matmul with transposes and broadcasting', () => {
    const before = two.parallelRuns();
    const [a, b] = onBoth(
      [
        { values: values(3 * 300 * 97, 1), shape: [3, 300, 97] },
        { values: values(61 * 300, 2), shape: [61, 300] },
      ],
      (backend, [x, y]) => backend.kernels.matmul(x, y, { transposeA: true, transposeB: true, outShape: [3, 97, 61] }),
    );
    expect(a).toEqual(b);
    expect(two.parallelRuns()).toBeGreaterThan(before);
  });

  it('a single product split by columns (either transpose)', () => {
    for (const transposeA of [false, true]) {
      const before = two.parallelRuns();
      const [a, b] = onBoth(
        [
          { values: values(301 * 517, 10), shape: transposeA ? [517, 301] : [301, 517] },
          { values: values(517 * 700, 11), shape: [517, 700] },
        ],
        (backend, [x, y]) => backend.kernels.matmul(x, y, { transposeA, transposeB: false, outShape: [301, 700] }),
      );
      expect(a).toEqual(b);
      expect(two.parallelRuns()).toBeGreaterThan(before);
    }
  });

  it('conv2d and both gradients (strides, padding, dilation, groups)', () => {
    const x = { values: values(5 * 4 * 17 * 19, 3), shape: [...conv.inShape] };
    const filter = { values: values(6 * 2 * 9, 4), shape: [...conv.filterShape] };
    const dy = { values: values(5 * 6 * 9 * 16, 5), shape: [...conv.outShape] };
    for (const [left, right] of [
      onBoth([x, filter], (backend, [p, q]) => backend.kernels.conv2d(p, q, conv)),
      onBoth([dy, filter], (backend, [p, q]) => backend.kernels.conv2dBackwardData(p, q, conv)),
      onBoth([x, dy], (backend, [p, q]) => backend.kernels.conv2dBackwardFilter(p, q, conv)),
    ]) {
      expect(left).toEqual(right);
    }
  });

  it('quantize (stochastic), elementwise, reductions and pooling', () => {
    const x = { values: values(64 * 1100, 6), shape: [64, 1100] };
    const format = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn' });
    const pool = { kernelSize: [3, 3] as const, stride: [2, 2] as const, padding: [1, 1, 1, 1] as const, inShape: [4, 8, 40, 55] as const, outShape: [4, 8, 20, 28] as const };
    const checks: [Uint32Array, Uint32Array][] = [
      onBoth([x], (backend, [p]) => backend.kernels.quantize(p, { format, rounding: 'stochastic', seed: 9, offset: 5, randomBits: 32 })),
      onBoth([x, { values: values(1100, 7), shape: [1100] }], (backend, [p, q]) => backend.kernels.add(p, q, { outShape: [64, 1100] })),
      onBoth([x], (backend, [p]) => backend.kernels.tanh(p, { outShape: [64, 1100] })),
      onBoth([x], (backend, [p]) => backend.kernels.sum(p, { axes: [0], keepDims: false, outShape: [1100] })),
      onBoth([x], (backend, [p]) => backend.kernels.mean(p, { axes: [1], keepDims: false, outShape: [64] })),
      onBoth([x], (backend, [p]) => backend.kernels.maxPool2d(p, pool)),
      onBoth([x], (backend, [p]) => backend.kernels.avgPool2d(p, pool)),
    ];
    for (const [left, right] of checks) expect(left).toEqual(right);
  });
});

describe('large products within the float32 error bound', () => {
  it('GEMM over several KC, MC and NC blocks', () => {
    const [m, n, k] = [101, 2100, 600];
    const a = values(m * k, 8);
    const b = values(k * n, 9);
    const result = two.download(two.kernels.matmul(two.upload(a, [m, k], 'float32'), two.upload(b, [k, n], 'float32'), { transposeA: false, transposeB: false, outShape: [m, n] }));
    const exact = referenceBackend.download(referenceBackend.kernels.matmul(referenceBackend.upload(a, [m, k], 'float32'), referenceBackend.upload(b, [k, n], 'float32'), { transposeA: false, transposeB: false, outShape: [m, n] }));
    // |error| <= gamma(k) * sum |a b| <= gamma(k) * k (|values| < 1), gamma(k) ~ k 2^-24.
    const bound = ((k * 2 ** -24) / (1 - k * 2 ** -24)) * k;
    let worst = 0;
    for (let i = 0; i < result.length; i++) worst = Math.max(worst, Math.abs(result[i] - exact[i]));
    expect(worst).toBeLessThan(bound);
  });
});
