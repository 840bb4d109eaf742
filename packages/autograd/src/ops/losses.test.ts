import { ShapeError, tensor } from '@lowbit/tensor';
import { describe, expect, it } from 'vitest';
import { checkGradient } from '../testing/index.js';
import { backward } from '../backward.js';
import { variable } from '../variable.js';
import { softmaxCrossEntropy } from './losses.js';

const logits = tensor([[1, 2, 3], [1, 1, 1], [0.5, -1, 2]]);
const labels = tensor(new Int32Array([2, 0, 1]));
const oneHot = tensor([[0, 0, 1], [1, 0, 0], [0, 1, 0]]);

function expectedLosses(): number[] {
  const rows = [[1, 2, 3], [1, 1, 1], [0.5, -1, 2]];
  return rows.map((row, i) => {
    const logSum = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
    return logSum - row[[2, 0, 1][i]];
  });
}

describe('softmaxCrossEntropy', () => {
  it('equals -log softmax at the label, averaged, summed or per example', () => {
    const expected = expectedLosses();
    expect(softmaxCrossEntropy(logits, labels).item()).toBeCloseTo(expected.reduce((a, b) => a + b) / 3, 6);
    expect(softmaxCrossEntropy(logits, labels, { reduction: 'sum' }).item()).toBeCloseTo(expected.reduce((a, b) => a + b), 5);
    softmaxCrossEntropy(logits, oneHot, { reduction: 'none' })
      .toArray()
      .forEach((loss, i) => expect(loss).toBeCloseTo(expected[i], 6));
  });

  it('has the fused gradient (softmax - one-hot) / examples', () => {
    const x = variable(logits, { requiresGrad: true });
    backward(softmaxCrossEntropy(x, labels));
    const row = [1, 2, 3].map(Math.exp);
    const total = row.reduce((a, b) => a + b);
    const grad = x.grad!.toArray();
    [row[0] / total, row[1] / total, row[2] / total - 1].forEach((g, j) => expect(grad[j]).toBeCloseTo(g / 3, 7));
  });

  it('passes the finite-difference check for every reduction and label kind, soft targets included', () => {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      checkGradient((z, y) => softmaxCrossEntropy(z, y, { reduction }), [logits, labels], { label: `int labels, ${reduction}` });
      checkGradient((z, y) => softmaxCrossEntropy(z, y, { reduction }), [logits, tensor([[0.2, 0.3, 0.5], [1, 0, 0], [0.1, 0.6, 0.3]])], { label: `soft, ${reduction}` });
    }
  });

  it('stays finite for huge logits (numerically stable)', () => {
    const x = variable(tensor([[1000, 0, -1000]]), { requiresGrad: true });
    const loss = softmaxCrossEntropy(x, tensor(new Int32Array([1])));
    expect(loss.item()).toBeCloseTo(1000, 3);
    backward(loss);
    expect(x.grad!.toArray()).toEqual([1, -1, 0]);
  });

  it('rejects labels out of range and labels that do not fit the logits', () => {
    expect(() => softmaxCrossEntropy(logits, tensor(new Int32Array([2, 3, 0])))).toThrow(
      'softmaxCrossEntropy: invalid labels[1]: 3 (allowed: a class index in [0, 2]). the logits have 3 classes on their last axis',
    );
    expect(() => softmaxCrossEntropy(logits, tensor(new Int32Array([1, 2])))).toThrow(ShapeError);
    expect(() => softmaxCrossEntropy(logits, tensor(new Int32Array([1, 2])))).toThrow(
      'softmaxCrossEntropy: labels int32 [2] do not fit logits [3,3]: pass int32 class indices shaped [3] or float32 one-hot (or soft) targets shaped [3,3]',
    );
  });
});
