import { referenceBackend, type Backend, type Conv2dAttributes, type KernelTensor } from '@lowbit/tensor';
import { gamma, SeededRandom } from '@lowbit/tensor/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { host } from '#host';
import { wasmBackend } from '../backend.js';
import { Runtime } from '../runtime.js';
import { Storage } from '../storage.js';
import { GemmKernels, dense, depthChunkFor, images, type Operand } from './gemm.js';

// The GEMM against an independent float32 computation with its summation order (emulate below):
// edge tiles (fewer than 4 rows or 8 columns, IMAGES outputs whose tiles cross images) and the
// depth split must write exactly these bits, and nothing outside C, on one thread and on two.
// JavaScript doubles round a float32 product or sum correctly (53 >= 2 x 24 + 2 bits), so
// Math.fround after every operation is float32 arithmetic.

/** KC of assembly/gemm.ts. */
const BLOCK_DEPTH = 256;

/**
 * C (+)= A · B as the wasm GEMM rounds it: per KC block a float32 sum in ascending p (mul, then
 * add), C = first block sum (or C_old + it), C += each next block sum; with a depth split, chunk 0
 * that way, every other chunk the same from zero, then C += chunk sums in ascending order.
 */
function emulate(m: number, n: number, k: number, a: (i: number, p: number) => number, b: (p: number, j: number) => number, initial?: Float32Array): Float32Array {
  const f = Math.fround;
  const chunk = depthChunkFor(m, n, k) || Math.max(k, 1);
  const c = new Float32Array(m * n);
  const blocks = (i: number, j: number, start: number, end: number, value: number | undefined) => {
    for (let block = start; block < end; block += BLOCK_DEPTH) {
      let sum = 0;
      for (let p = block; p < Math.min(end, block + BLOCK_DEPTH); p++) sum = f(sum + f(a(i, p) * b(p, j)));
      value = value === undefined ? sum : f(value + sum);
    }
    return value ?? 0;
  };
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let value = blocks(i, j, 0, Math.min(k, chunk), initial?.[i * n + j]);
      for (let start = chunk; start < k; start += chunk) value = f(value + blocks(i, j, start, Math.min(k, start + chunk), undefined));
      c[i * n + j] = value;
    }
  }
  return c;
}

const values = (length: number, seed: number) => Float32Array.from(new SeededRandom(seed).values(length), (value) => value * 2 - 1);
const bitsOf = (array: Float32Array) => Array.from(new Uint32Array(array.buffer, array.byteOffset, array.length));

/** GemmKernels over its own runtime: threads 1, or 2 with every call split (accumulate is only reachable here). */
function gemmOn(threads: number) {
  const runtime = new Runtime(threads, host, host.moduleSync(true) as WebAssembly.Module, true, threads > 1);
  const storage = new Storage(runtime);
  return { runtime, storage, gemm: new GemmKernels(runtime, storage) };
}
const machines = [gemmOn(1), gemmOn(2)];
// Whole backends for the kernels of the contract: one thread, two, and two splitting every call.
const one = wasmBackend({ threads: 1, name: 'wasm-1' });
const two = wasmBackend({ threads: 2, name: 'wasm-2' });
const split = wasmBackend({ threads: 2, name: 'wasm-2 split', splitAllWork: true });
beforeAll(() => Promise.all([...machines.map(({ runtime }) => runtime.pool.ready()), two.ready(), split.ready()]));
afterAll(() => Promise.all([...machines.map(({ runtime }) => runtime.pool.dispose()), two.shutdown(), split.shutdown()]));

interface Case {
  m: number;
  n: number;
  k: number;
  transposeA?: boolean;
  transposeB?: boolean;
  /** C is IMAGES with this many pixels per image (else DENSE). */
  pixels?: number;
  accumulate: boolean;
}

/**
 * Runs one product on every machine with C inside a larger buffer (DENSE: 3 more columns per row;
 * IMAGES: one more channel on each side) filled with other values, which must stay as they were.
 */
function check({ m, n, k, transposeA = false, transposeB = false, pixels, accumulate }: Case): void {
  const a = values(m * k, m * 1000 + k);
  const b = values(k * n, n * 1000 + k);
  const readA = (i: number, p: number) => (transposeA ? a[p * m + i] : a[i * k + p]);
  const readB = (p: number, j: number) => (transposeB ? b[j * k + p] : b[p * n + j]);
  // Where C[i, j] lives in the buffer (channels m + 2 per image when IMAGES, C starting at channel 1).
  const at = pixels ? (i: number, j: number) => Math.floor(j / pixels) * (m + 2) * pixels + (i + 1) * pixels + (j % pixels) : (i: number, j: number) => i * (n + 3) + j;
  const size = pixels ? (n / pixels) * (m + 2) * pixels : m * (n + 3);
  const buffer = values(size, 7);
  const initial = Float32Array.from({ length: m * n }, (_, index) => buffer[at(Math.floor(index / n), index % n)]);
  const expected = Float32Array.from(buffer);
  const product = emulate(m, n, k, readA, readB, accumulate ? initial : undefined);
  for (let index = 0; index < m * n; index++) expected[at(Math.floor(index / n), index % n)] = product[index];
  for (const { storage, gemm } of machines) {
    const [tensorA, tensorB, tensorC] = [a, b, buffer].map((data) => storage.upload(data, [data.length], 'float32'));
    const c: Operand = pixels ? images(tensorC.handle.address + pixels * 4, pixels, (m + 2) * pixels) : dense(tensorC.handle.address, n + 3, false);
    gemm.run({
      m, n, k, accumulate, c,
      a: dense(tensorA.handle.address, transposeA ? m : k, transposeA),
      b: dense(tensorB.handle.address, transposeB ? k : n, transposeB),
    });
    expect(bitsOf(storage.download(tensorC) as Float32Array)).toEqual(bitsOf(expected));
    for (const tensor of [tensorA, tensorB, tensorC]) storage.dispose(tensor);
  }
}

describe('edge tiles write the same sums as the float32 emulation, and only inside C', () => {
  const cases: Case[] = [];
  for (let m = 1; m <= 7; m++) {
    for (const accumulate of [false, true]) {
      for (const n of [1, 5, 8, 13, 30]) cases.push({ m, n, k: 37, accumulate, transposeA: n === 13, transposeB: n === 5 });
      // Images of 1, 3, 5, 9 and 16 pixels: 8-column tiles that span several images, cross one
      // boundary, or (16) never do.
      for (const pixels of [1, 3, 5, 9, 16]) cases.push({ m, n: pixels * 4, k: 300, pixels, accumulate });
    }
  }
  it.each(cases)('m $m, n $n, k $k, pixels $pixels, accumulate $accumulate', (testCase) => check(testCase));

  it('an empty depth: C = 0, or unchanged when accumulating', () => {
    for (const accumulate of [false, true]) check({ m: 6, n: 11, k: 0, accumulate });
  });
});

describe('depth split: the same bits on one thread and on two, rounded as documented', () => {
  const cases: Case[] = [
    // conv1 of LeNet-5 (batch 4): dFilter [6, 25] = dY · im2col^T, a depth of 4 x 784.
    { m: 6, n: 25, k: 3136, accumulate: false, transposeB: true },
    { m: 6, n: 25, k: 3136, accumulate: true, transposeB: true },
    { m: 1, n: 1, k: 5000, accumulate: false, transposeA: true },
    { m: 16, n: 150, k: 2048, accumulate: true },
    { m: 256, n: 9, k: 2300, accumulate: false, transposeA: true, transposeB: true },
    // IMAGES C (a convolution with few output pixels and many taps): pieces of 9 pixels.
    { m: 5, n: 18, k: 2304, pixels: 9, accumulate: false },
    { m: 7, n: 24, k: 4000, pixels: 3, accumulate: true },
  ];
  it.each(cases)('m $m, n $n, k $k, pixels $pixels, accumulate $accumulate', (testCase) => {
    const { m, n, k } = testCase;
    expect(Math.ceil(k / depthChunkFor(m, n, k))).toBeGreaterThanOrEqual(2);
    const before = machines[1].runtime.pool.parallelRuns;
    check(testCase);
    expect(machines[1].runtime.pool.parallelRuns).toBeGreaterThan(before);
  });

  it('a split matmul stays within the float32 bound of the reference (LeNet conv1 dFilter shape, batch 64)', () => {
    const [m, n, k] = [6, 25, 64 * 784];
    expect(depthChunkFor(m, n, k)).toBeGreaterThan(0);
    const a = values(m * k, 21);
    const b = values(k * n, 22);
    const attributes = { transposeA: false, transposeB: true, outShape: [m, n] };
    const [wasm, reference] = ([split, referenceBackend] as Backend[]).map((backend) =>
      backend.download(backend.kernels.matmul(backend.upload(a, [m, k], 'float32'), backend.upload(b, [n, k], 'float32'), attributes)) as Float32Array);
    for (let index = 0; index < m * n; index++) {
      const [i, j] = [Math.floor(index / n), index % n];
      let terms = 0;
      for (let p = 0; p < k; p++) terms += Math.abs(a[i * k + p] * b[j * k + p]);
      expect(Math.abs(wasm[index] - reference[index])).toBeLessThanOrEqual(gamma(k + 1) * terms);
    }
  });

  it('is chosen from m, n and k only: thin products with a long depth, never ordinary ones', () => {
    const table: [number, number, number, number][] = [
      [512, 512, 512, 0],
      [1024, 1024, 1024, 0],
      [256, 256, 2047, 0],
      [300, 20, 100000, 0],
      [256, 256, 2048, 1024],
      [6, 25, 64 * 784, 1024],
      [16, 150, 64 * 100, 1024],
      [1, 1, 1 << 20, 1024],
      // The partial sums stay within 4 MB: 17 chunks of a 256 x 256 C.
      [256, 256, 1 << 20, 61696],
    ];
    for (const [m, n, k, chunk] of table) expect(depthChunkFor(m, n, k), `${m} x ${n} x ${k}`).toBe(chunk);
  });
});

describe('LeNet-5 convolutions (batch 8): same bits on 1 and 2 threads, close to the reference', () => {
  const layer = (channels: number, outChannels: number, size: number, padding: number): Conv2dAttributes => {
    const out = size + 2 * padding - 4;
    return {
      stride: [1, 1], padding: [padding, padding, padding, padding], dilation: [1, 1], groups: 1,
      inShape: [8, channels, size, size], filterShape: [outChannels, channels, 5, 5], outShape: [8, outChannels, out, out],
    };
  };
  const passes = ['forward', 'backward data', 'backward filter'] as const;
  const cases = [
    ['conv1', layer(1, 6, 28, 2)],
    ['conv2', layer(6, 16, 14, 0)],
  ] as const;
  it.each(cases.flatMap(([name, attributes]) => passes.map((pass) => ({ name, pass, attributes }))))('$name $pass', ({ pass, attributes }) => {
    const size = (shape: readonly number[]) => shape.reduce((x, y) => x * y, 1);
    const x = values(size(attributes.inShape), 1);
    const filter = values(size(attributes.filterShape), 2);
    const dy = values(size(attributes.outShape), 3);
    const run = (backend: Backend): Float32Array => {
      const upload = (data: Float32Array, shape: readonly number[]) => backend.upload(data, shape, 'float32');
      const { kernels } = backend;
      let result: KernelTensor;
      if (pass === 'forward') result = kernels.conv2d(upload(x, attributes.inShape), upload(filter, attributes.filterShape), attributes);
      else if (pass === 'backward data') result = kernels.conv2dBackwardData(upload(dy, attributes.outShape), upload(filter, attributes.filterShape), attributes);
      else result = kernels.conv2dBackwardFilter(upload(x, attributes.inShape), upload(dy, attributes.outShape), attributes);
      return backend.download(result) as Float32Array;
    };
    const [single, double, splitAll, reference] = [one, two, split, referenceBackend].map(run);
    expect(bitsOf(double)).toEqual(bitsOf(single));
    expect(bitsOf(splitAll)).toEqual(bitsOf(single));
    // |error| <= gamma(k + 1) sum |terms|: k terms per value, and the reference's own rounding
    // (values in (-1, 1): sum |terms| <= k).
    const [, channels, kernelHeight, kernelWidth] = attributes.filterShape;
    const terms = pass === 'backward filter' ? size(attributes.outShape) / attributes.outShape[1] : pass === 'forward' ? channels * kernelHeight * kernelWidth : attributes.filterShape[0] * kernelHeight * kernelWidth;
    const bound = gamma(terms + 1) * terms;
    let worst = 0;
    for (let index = 0; index < single.length; index++) worst = Math.max(worst, Math.abs(single[index] - reference[index]));
    expect(worst).toBeLessThan(bound);
  });
});

/**
 * dx of conv2dBackwardData as both wasm paths round it: each column value sum_o filter[o, tap] *
 * dy[o, pixel] in float32 from zero in ascending o (one KC block), added into dx in ascending tap
 * order (a tap reaches each dx value at most once).
 */
function emulateBackwardData(attributes: Conv2dAttributes, dy: Float32Array, filter: Float32Array): Float32Array {
  const f = Math.fround;
  const [batch, channels, height, width] = attributes.inShape;
  const [outChannels, inPerGroup, kernelHeight, kernelWidth] = attributes.filterShape;
  const [, , outHeight, outWidth] = attributes.outShape;
  const outPerGroup = outChannels / attributes.groups;
  const dx = new Float32Array(batch * channels * height * width);
  for (let image = 0; image < batch; image++) {
    for (let channel = 0; channel < channels; channel++) {
      const group = Math.floor(channel / inPerGroup);
      for (let kh = 0; kh < kernelHeight; kh++) {
        for (let kw = 0; kw < kernelWidth; kw++) {
          for (let i = 0; i < outHeight; i++) {
            for (let j = 0; j < outWidth; j++) {
              const y = i * attributes.stride[0] - attributes.padding[0] + kh * attributes.dilation[0];
              const x = j * attributes.stride[1] - attributes.padding[2] + kw * attributes.dilation[1];
              if (y < 0 || y >= height || x < 0 || x >= width) continue;
              let value = 0;
              for (let o = group * outPerGroup; o < (group + 1) * outPerGroup; o++) {
                const weight = filter[((o * inPerGroup + (channel % inPerGroup)) * kernelHeight + kh) * kernelWidth + kw];
                value = f(value + f(weight * dy[((image * outChannels + o) * outHeight + i) * outWidth + j]));
              }
              const at = ((image * channels + channel) * height + y) * width + x;
              dx[at] = f(dx[at] + value);
            }
          }
        }
      }
    }
  }
  return dx;
}

describe('conv2dBackwardData: the direct path (up to 8 output channels per group) and GEMM + col2im give the same bits', () => {
  const output = (size: number, kernel: number, stride: number, before: number, after: number, dilation: number) => Math.floor((size + before + after - dilation * (kernel - 1) - 1) / stride) + 1;
  const cases = [
    // [batch, channels, outChannels, groups, size, kernel, stride, padding, dilation]
    [3, 1, 6, 1, 28, 5, [1, 1], [2, 2, 2, 2], [1, 1]],
    [3, 6, 16, 1, 14, 5, [1, 1], [0, 0, 0, 0], [1, 1]],
    [2, 4, 8, 2, 11, 3, [2, 1], [1, 0, 2, 1], [1, 2]],
    [2, 4, 24, 2, 11, 3, [1, 2], [0, 1, 1, 0], [2, 1]],
    [5, 3, 5, 1, 9, 4, [1, 1], [3, 0, 0, 3], [1, 1]],
  ] as const;
  it.each(cases)('batch %i, %i -> %i channels, %i groups, %i x %i, kernel %i', (batch, channels, outChannels, groups, size, kernel, stride, padding, dilation) => {
    const outHeight = output(size, kernel, stride[0], padding[0], padding[1], dilation[0]);
    const outWidth = output(size, kernel, stride[1], padding[2], padding[3], dilation[1]);
    const attributes: Conv2dAttributes = {
      stride, padding, dilation, groups,
      inShape: [batch, channels, size, size], filterShape: [outChannels, channels / groups, kernel, kernel], outShape: [batch, outChannels, outHeight, outWidth],
    };
    const dy = values(batch * outChannels * outHeight * outWidth, 11);
    const filter = values(outChannels * (channels / groups) * kernel * kernel, 12);
    const expected = bitsOf(emulateBackwardData(attributes, dy, filter));
    for (const backend of [one, split]) {
      const dx = backend.kernels.conv2dBackwardData(backend.upload(dy, attributes.outShape, 'float32'), backend.upload(filter, attributes.filterShape, 'float32'), attributes);
      expect(bitsOf(backend.download(dx) as Float32Array)).toEqual(expected);
    }
  });
});

