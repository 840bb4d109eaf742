/**
 * Fan-in, fan-out and gains, with PyTorch's definitions (torch.nn.init), so initial weight
 * scales match PyTorch recipes. For a weight of shape [out, in, ...kernel] (Linear [out, in],
 * Conv2d [out, in / groups, kh, kw]): receptive field = product of the kernel axes,
 * fanIn = in x receptive field, fanOut = out x receptive field.
 */
import { ArgumentError, formatShape } from '@lowbit/tensor';

export type Nonlinearity = 'linear' | 'identity' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu';
export type FanMode = 'fanIn' | 'fanOut';

export interface Fans {
  fanIn: number;
  fanOut: number;
}

/** fanIn and fanOut of a weight shape (rank >= 2, PyTorch's _calculate_fan_in_and_fan_out). */
export function fans(shape: readonly number[]): Fans {
  if (!Array.isArray(shape) || shape.length < 2) {
    throw new ArgumentError('fans', 'shape', Array.isArray(shape) ? formatShape(shape) : shape, 'a shape of rank 2 or more ([out, in, ...kernel])', 'fan in and fan out are not defined for a vector (a bias takes its bound from its weight)');
  }
  const receptiveField = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptiveField, fanOut: shape[0] * receptiveField };
}

/**
 * The recommended gain of a nonlinearity (torch.nn.init.calculate_gain): 1 for linear, identity,
 * conv and sigmoid; 5/3 for tanh; sqrt(2) for relu; sqrt(2 / (1 + slope^2)) for leakyRelu
 * (slope default 0.01); 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, slope?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'identity':
    case 'conv2d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu': {
      const negativeSlope = slope ?? 0.01;
      if (!Number.isFinite(negativeSlope)) throw new ArgumentError('calculateGain', 'slope', slope, 'a finite number');
      return Math.sqrt(2 / (1 + negativeSlope * negativeSlope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ArgumentError('calculateGain', 'nonlinearity', nonlinearity, "'linear', 'identity', 'conv2d', 'sigmoid', 'tanh', 'relu', 'leakyRelu' or 'selu'");
  }
}
