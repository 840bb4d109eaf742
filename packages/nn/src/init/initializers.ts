/**
 * Seeded initializers with PyTorch's formulas (torch.nn.init). Each returns a new float32 tensor;
 * element i of a random one depends only on (seed, i) (@lowbit/tensor's counter-based generator),
 * so the same seed gives the same weights on every backend.
 *
 * PyTorch's defaults for Linear and Conv2d, which the layers here use too so results compare
 * with PyTorch recipes (torch.nn.Linear.reset_parameters):
 * - weight: kaiming_uniform_(a = sqrt(5)), i.e. gain sqrt(2 / (1 + 5)) = sqrt(1/3) and bound
 *   gain sqrt(3 / fanIn) = 1 / sqrt(fanIn): U(-1/sqrt(fanIn), 1/sqrt(fanIn));
 * - bias: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) with the weight's fanIn.
 */
import { ArgumentError, full, randomNormal, randomUniform, type Tensor } from '@lowbit/tensor';
import { calculateGain, fans, type FanMode, type Nonlinearity } from './fans.js';

export interface SeedOption {
  /** Key of the generator (non-negative safe integer). Default 0. */
  seed?: number;
}

export interface KaimingOptions extends SeedOption {
  /** Negative slope of the leaky ReLU that follows (used with 'leakyRelu'). Default 0. */
  a?: number;
  /** Preserve the variance of the forward pass ('fanIn', default) or of the backward pass ('fanOut'). */
  mode?: FanMode;
  /** Default 'leakyRelu' (with a = 0 that is the ReLU gain sqrt(2)), as in PyTorch. */
  nonlinearity?: Nonlinearity;
}

export interface XavierOptions extends SeedOption {
  /** Default 1. */
  gain?: number;
}

function fanFor(op: string, shape: readonly number[], mode: FanMode): number {
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new ArgumentError(op, 'mode', mode, "'fanIn' or 'fanOut'");
  const fan = fans(shape)[mode];
  if (fan === 0) throw new ArgumentError(op, 'shape', shape, 'a shape with a non-zero fan', 'an empty weight has no scale');
  return fan;
}

function kaimingScale(op: string, shape: readonly number[], options: KaimingOptions): number {
  const a = options.a ?? 0;
  const gain = calculateGain(options.nonlinearity ?? 'leakyRelu', a);
  return gain / Math.sqrt(fanFor(op, shape, options.mode ?? 'fanIn'));
}

/** Kaiming/He uniform: U(-b, b) with b = gain sqrt(3 / fan). */
export function kaimingUniform(shape: readonly number[], options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingScale('kaimingUniform', shape, options);
  return randomUniform(shape, { low: -bound, high: bound, seed: options.seed ?? 0 });
}

/** Kaiming/He normal: N(0, std^2) with std = gain / sqrt(fan). */
export function kaimingNormal(shape: readonly number[], options: KaimingOptions = {}): Tensor {
  return randomNormal(shape, { stddev: kaimingScale('kaimingNormal', shape, options), seed: options.seed ?? 0 });
}

function xavierScale(op: string, shape: readonly number[], options: XavierOptions): number {
  const { fanIn, fanOut } = fans(shape);
  const gain = options.gain ?? 1;
  if (!Number.isFinite(gain) || gain < 0) throw new ArgumentError(op, 'gain', gain, 'a finite non-negative number');
  if (fanIn + fanOut === 0) throw new ArgumentError(op, 'shape', shape, 'a shape with a non-zero fan');
  return gain * Math.sqrt(2 / (fanIn + fanOut));
}

/** Xavier/Glorot uniform: U(-b, b) with b = gain sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform(shape: readonly number[], options: XavierOptions = {}): Tensor {
  const bound = Math.sqrt(3) * xavierScale('xavierUniform', shape, options);
  return randomUniform(shape, { low: -bound, high: bound, seed: options.seed ?? 0 });
}

/** Xavier/Glorot normal: N(0, std^2) with std = gain sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal(shape: readonly number[], options: XavierOptions = {}): Tensor {
  return randomNormal(shape, { stddev: xavierScale('xavierNormal', shape, options), seed: options.seed ?? 0 });
}

/** U(low, high) (default [0, 1)). */
export function uniform(shape: readonly number[], options: SeedOption & { low?: number; high?: number } = {}): Tensor {
  return randomUniform(shape, { low: options.low ?? 0, high: options.high ?? 1, seed: options.seed ?? 0 });
}

/** N(mean, stddev^2) (default standard normal). */
export function normal(shape: readonly number[], options: SeedOption & { mean?: number; stddev?: number } = {}): Tensor {
  return randomNormal(shape, { mean: options.mean ?? 0, stddev: options.stddev ?? 1, seed: options.seed ?? 0 });
}

export function constant(shape: readonly number[], value: number): Tensor {
  return full(shape, value);
}

export function zeros(shape: readonly number[]): Tensor {
  return full(shape, 0);
}

export function ones(shape: readonly number[]): Tensor {
  return full(shape, 1);
}

/** What a layer passes to its initializers. */
export interface InitializerContext {
  /** Seed derived from the layer's seed and the parameter's name. */
  seed: number;
  /** Of the layer's weight (a bias uses its weight's fans). */
  fanIn: number;
  fanOut: number;
}

/**
 * How a layer fills a parameter: `weightInitializer: (shape, { seed }) => kaimingNormal(shape,
 * { mode: 'fanOut', nonlinearity: 'relu', seed })` (the ResNet recipe).
 */
export type Initializer = (shape: readonly number[], context: InitializerContext) => Tensor;

/** PyTorch's default weight of Linear and Conv2d: kaiming_uniform_ with a = sqrt(5), U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
export const defaultWeightInitializer: Initializer = (shape, { seed }) => kaimingUniform(shape, { a: Math.sqrt(5), seed });

/** PyTorch's default bias of Linear and Conv2d: U(-1/sqrt(fanIn), 1/sqrt(fanIn)), zeros when fanIn is 0. */
export const defaultBiasInitializer: Initializer = (shape, { seed, fanIn }) => {
  if (fanIn === 0) return zeros(shape);
  const bound = 1 / Math.sqrt(fanIn);
  return uniform(shape, { low: -bound, high: bound, seed });
};
