import { variable } from '@lowbit/autograd';
import { BatchNorm2d, applyQuantization } from '@lowbit/nn';
import { randomNormal, tensor } from '@lowbit/tensor';
import { describe, expect, it } from 'vitest';
import { ShiftOnlyBatchNorm1d, ShiftOnlyBatchNorm2d } from './batch-norm.js';

const close = (actual: number[], expected: number[]) => actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 5));

describe('shift-only batch norm (Keras scale=False)', () => {
  it('normalizes like a batch norm whose scale is fixed at 1, with a learnable shift', () => {
    const x = randomNormal([4, 3, 2, 2], { seed: 1 });
    const shift = new ShiftOnlyBatchNorm2d({ numFeatures: 3 });
    const reference = new BatchNorm2d({ numFeatures: 3 });
    shift.bias.assign(tensor([0.5, -1, 2]));
    reference.bias!.assign(tensor([0.5, -1, 2]));
    close(shift.forward(x).toArray(), reference.forward(x).toArray());
    close(shift.buffer('runningVar').toArray(), reference.buffer('runningVar').toArray());
    shift.eval();
    reference.eval();
    close(shift.forward(x).toArray(), reference.forward(x).toArray());
  });

  it('has one parameter, bias, the running statistics of PyTorch, and the type a plan names', () => {
    const layer = new ShiftOnlyBatchNorm1d({ numFeatures: 5, eps: 1e-3 });
    expect(layer.ownParameters().map(([name]) => name)).toEqual(['bias']);
    expect(layer.weight).toBeUndefined();
    expect(Object.keys(layer.stateDict().buffers)).toEqual(['runningMean', 'runningVar', 'numBatchesTracked']);
    expect(layer.type).toBe('BatchNorm1d');
    expect(applyQuantization(layer, { types: { BatchNorm1d: { outputs: 'float8_e4m3fn' } } })).toEqual([{ name: '', type: 'BatchNorm1d', roles: ['outputs'] }]);
    expect(() => new ShiftOnlyBatchNorm2d({ numFeatures: 2, affine: true } as never)).toThrow('ShiftOnlyBatchNorm2d: invalid affine: true (allowed: no affine option). a shift-only batch norm always has a bias and never a scale');
  });

  it('passes the gradient of the shift (the sum over batch and positions) and of the input', () => {
    const layer = new ShiftOnlyBatchNorm2d({ numFeatures: 2 });
    const x = variable(randomNormal([2, 2, 3, 3], { seed: 2 }), { requiresGrad: true });
    layer.forward(x).backward({ gradient: randomNormal([2, 2, 3, 3], { seed: 3 }) });
    expect(layer.bias.grad!.shape).toEqual([2]);
    expect(x.grad!.toArray().every(Number.isFinite)).toBe(true);
  });
});
