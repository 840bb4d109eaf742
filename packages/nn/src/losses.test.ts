import { tensor } from '@lowbit/tensor';
import { softmaxCrossEntropy, variable } from '@lowbit/autograd';
import { checkGradient } from '@lowbit/autograd/testing';
import { describe, expect, it } from 'vitest';
import { crossEntropy, mse } from './losses.js';

describe('losses', () => {
  it('crossEntropy is the fused stable softmax cross-entropy', () => {
    const logits = tensor([[1, 2, 3], [1000, 0, -1000]]);
    const labels = tensor(new Int32Array([2, 0]));
    const expected = (-Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3))) + 0) / 2;
    expect(crossEntropy(logits, labels).item()).toBeCloseTo(expected, 6);
    expect(crossEntropy(logits, labels, { reduction: 'none' }).toArray()).toEqual(softmaxCrossEntropy(logits, labels, { reduction: 'none' }).toArray());
  });

  it('mse is the mean (or sum, or each) squared difference, with gradient 2 (p - t) / n', () => {
    const prediction = variable(tensor([[1, 2], [3, 5]]), { requiresGrad: true });
    const target = tensor([[1, 0], [4, 5]]);
    const loss = mse(prediction, target);
    expect(loss.item()).toBe(5 / 4);
    loss.backward();
    expect(prediction.grad!.toArray()).toEqual([0, 1, -0.5, 0]);
    expect(mse(prediction, target, { reduction: 'sum' }).item()).toBe(5);
    expect(mse(prediction, target, { reduction: 'none' }).toArray()).toEqual([0, 4, 1, 0]);
    checkGradient((p, t) => mse(p, t), [tensor([0.5, -1.5, 2]), tensor([1, 1, 1])]);
  });

  it('mse rejects shapes that would broadcast', () => {
    expect(() => mse(tensor([[1], [2]]), tensor([1, 2]))).toThrow('mse: prediction [2,1] and target [2] differ; they must have the same shape (reshape the target)');
    expect(() => mse(tensor([1]), tensor([1]), { reduction: 'max' as never })).toThrow("mse: invalid reduction: \"max\" (allowed: 'mean', 'sum' or 'none')");
  });
});
