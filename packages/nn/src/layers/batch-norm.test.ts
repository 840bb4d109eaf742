import { randomNormal, randomUniform, tensor } from '@lowbit/tensor';
import { checkGradient } from '@lowbit/autograd/testing';
import { describe, expect, it } from 'vitest';
import { functionalCall } from '../functional-call.js';
import { expectClose } from '../reference.testutil.js';
import { BatchNorm1d, BatchNorm2d } from './batch-norm.js';

// Channel 0: 1, 3, 5 (mean 3, biased variance 8/3, unbiased 4).
// Channel 1: 10, 20, 60 (mean 30, biased variance 1400/3, unbiased 700).
const batch = tensor([[1, 10], [3, 20], [5, 60]]);

describe('BatchNorm (PyTorch definitions, hand-computed)', () => {
  it('normalizes with the batch mean and biased variance in training mode', () => {
    const bn = new BatchNorm1d({ numFeatures: 2, eps: 0 });
    const s0 = Math.sqrt(8 / 3);
    const s1 = Math.sqrt(1400 / 3);
    expectClose(bn.forward(batch).toArray(), [-2 / s0, -20 / s1, 0, -10 / s1, 2 / s0, 30 / s1]);
  });

  it('moves the running mean and the unbiased running variance by momentum, and counts batches', () => {
    const bn = new BatchNorm1d({ numFeatures: 2 });
    bn.forward(batch);
    expectClose(bn.buffer('runningMean').toArray(), [0.3, 3]);
    expectClose(bn.buffer('runningVar').toArray(), [0.9 + 0.4, 0.9 + 70]);
    bn.forward(batch);
    expectClose(bn.buffer('runningMean').toArray(), [0.57, 5.7]);
    expectClose(bn.buffer('runningVar').toArray(), [0.9 * 1.3 + 0.4, 0.9 * 70.9 + 70]);
    expect(bn.buffer('numBatchesTracked').item()).toBe(2);
    expect(bn.buffer('numBatchesTracked').dtype).toBe('int32');
  });

  it('momentum null keeps the cumulative average of the batch statistics', () => {
    const bn = new BatchNorm1d({ numFeatures: 2, momentum: null });
    bn.forward(batch);
    bn.forward(tensor([[3, 0], [5, 0], [7, 0]])); // means 5, 0; unbiased variances 4, 0
    expectClose(bn.buffer('runningMean').toArray(), [4, 15]);
    expectClose(bn.buffer('runningVar').toArray(), [4, 350]);
  });

  it('uses the running statistics in evaluation mode, and then changes nothing', () => {
    const bn = new BatchNorm1d({ numFeatures: 2 });
    bn.forward(batch);
    bn.weight!.assign(tensor([2, -1]));
    bn.bias!.assign(tensor([0.5, 1]));
    bn.eval();
    const x = tensor([[1, 2], [-1, 40]]);
    const expected = [((1 - 0.3) / Math.sqrt(1.3 + 1e-5)) * 2 + 0.5, ((2 - 3) / Math.sqrt(70.9 + 1e-5)) * -1 + 1, ((-1 - 0.3) / Math.sqrt(1.3 + 1e-5)) * 2 + 0.5, ((40 - 3) / Math.sqrt(70.9 + 1e-5)) * -1 + 1];
    expectClose(bn.forward(x).toArray(), expected);
    expectClose(bn.buffer('runningMean').toArray(), [0.3, 3]);
    expect(bn.buffer('numBatchesTracked').item()).toBe(1);
    // A single example is fine in evaluation mode.
    expect(bn.forward(tensor([[1, 2]])).shape).toEqual([1, 2]);
  });

  it('applies the affine weight and bias per channel in training mode', () => {
    const bn = new BatchNorm1d({ numFeatures: 2, eps: 0 });
    bn.weight!.assign(tensor([3, 0.5]));
    bn.bias!.assign(tensor([-1, 2]));
    const s0 = Math.sqrt(8 / 3);
    expectClose(bn.forward(batch).toArray().slice(0, 2), [(-2 / s0) * 3 - 1, (-20 / Math.sqrt(1400 / 3)) * 0.5 + 2]);
  });

  it('without affine has no parameters; without running statistics has no buffers and uses batch statistics in evaluation too', () => {
    const plain = new BatchNorm1d({ numFeatures: 2, affine: false, trackRunningStats: false, eps: 0 });
    expect(plain.parameters()).toHaveLength(0);
    expect(plain.namedBuffers()).toHaveLength(0);
    const trained = plain.forward(batch).toArray();
    plain.eval();
    expect(plain.forward(batch).toArray()).toEqual(trained);
  });

  it('BatchNorm1d over [batch, channels, length] and BatchNorm2d over [batch, channels, height, width] reduce every axis but 1', () => {
    const bn2 = new BatchNorm2d({ numFeatures: 1, eps: 0 });
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 2, 2]); // mean 4.5, biased variance 5.25, unbiased 6
    expectClose(bn2.forward(x).toArray(), [1, 2, 3, 4, 5, 6, 7, 8].map((v) => (v - 4.5) / Math.sqrt(5.25)));
    expectClose(bn2.buffer('runningVar').toArray(), [0.9 + 0.6]);
    const bn1 = new BatchNorm1d({ numFeatures: 1, eps: 0 });
    expectClose(bn1.forward(x.reshape([2, 1, 4])).toArray(), [1, 2, 3, 4, 5, 6, 7, 8].map((v) => (v - 4.5) / Math.sqrt(5.25)));
  });

  it('passes the gradient check in training mode (batch statistics differentiated through)', () => {
    const bn = new BatchNorm2d({ numFeatures: 3 });
    const weight = randomUniform([3], { low: 0.5, high: 2, seed: 1 });
    const bias = randomUniform([3], { low: -1, high: 1, seed: 2 });
    const x = randomNormal([2, 3, 3, 2], { seed: 3 });
    checkGradient((input, w, b) => functionalCall(bn, { weight: w, bias: b }, input), [x, weight, bias], { label: 'BatchNorm2d' });
    const bn1 = new BatchNorm1d({ numFeatures: 4 });
    checkGradient((input) => bn1.forward(input), [randomNormal([5, 4], { seed: 4 })], { label: 'BatchNorm1d' });
    const plain = new BatchNorm1d({ numFeatures: 2, affine: false });
    checkGradient((input) => plain.forward(input), [randomNormal([3, 2, 5], { seed: 5 })], { label: 'BatchNorm1d without affine' });
    const batchOnly = new BatchNorm2d({ numFeatures: 2, trackRunningStats: false }).eval();
    checkGradient((input) => batchOnly.forward(input), [randomNormal([2, 2, 2, 3], { seed: 6 })], { label: 'BatchNorm2d, batch statistics in evaluation' });
  });

  it('shows useful messages', () => {
    expect(() => new BatchNorm1d({ numFeatures: 2 }).forward(tensor([[1, 2]]))).toThrow(
      'BatchNorm1d: expected more than 1 value per channel when training, got input shape [1,2]; use a batch larger than 1 or call eval()',
    );
    expect(() => new BatchNorm2d({ numFeatures: 4 }).forward(randomNormal([2, 3, 2, 2]))).toThrow('BatchNorm2d: expects 4 channels on axis 1 of its input, got 3');
    expect(() => new BatchNorm2d({ numFeatures: 4 }).forward(randomNormal([2, 4]))).toThrow('BatchNorm2d: expects input [batch, channels, height, width] (rank 4), got shape [2,4]');
    expect(() => new BatchNorm1d({ numFeatures: 2, momentum: 2 })).toThrow('BatchNorm1d: invalid momentum: 2 (allowed: a number in [0, 1] or null (cumulative average))');
  });
});
