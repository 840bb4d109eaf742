/**
 * Batch norm without the scale: y = (x - mean) / sqrt(var + eps) + bias, Keras'
 * `BatchNormalization(scale=False)`, which Larq's BNN examples use after every binary layer (a
 * per-channel scale in front of a sign changes nothing but the threshold, so it is dropped).
 * @lowbit/nn's BatchNorm has `affine` (scale and shift, or neither) but no shift-only form; these
 * subclasses add the `bias` parameter to a non-affine batch norm, keep PyTorch's running
 * statistics, and keep the type names 'BatchNorm1d' / 'BatchNorm2d' so that plans reach them like
 * any batch norm. They belong in @lowbit/nn as a `scale: false` option (docs/decisions/0013).
 */
import { add, reshape, type Parameter, type Variable } from '@lowbit/autograd';
import { BatchNorm1d, BatchNorm2d, type BatchNormOptions, type Module } from '@lowbit/nn';
import { ArgumentError, zeros } from '@lowbit/tensor';

export type ShiftOnlyBatchNormOptions = Omit<BatchNormOptions, 'affine'>;

function addShift(module: BatchNorm1d | BatchNorm2d, normalized: Variable, bias: Variable): Variable {
  const shape = [1, module.numFeatures, ...Array.from({ length: normalized.rank - 2 }, () => 1)];
  return add(normalized, reshape(bias, shape));
}

function describeShiftOnly(module: BatchNorm1d | BatchNorm2d): string {
  return `numFeatures=${module.numFeatures}, eps=${module.eps}, momentum=${module.momentum}, scale=false, trackRunningStats=${module.trackRunningStats}`;
}

function checkOptions(type: string, options: ShiftOnlyBatchNormOptions): BatchNormOptions {
  if (options !== null && typeof options === 'object' && 'affine' in options) {
    throw new ArgumentError(type, 'affine', (options as BatchNormOptions).affine, 'no affine option', 'a shift-only batch norm always has a bias and never a scale; use BatchNorm1d/2d for other forms');
  }
  return { ...options, affine: false };
}

/** Batch norm over [batch, features] (or [batch, channels, length]) with a learnable shift and no scale. */
export class ShiftOnlyBatchNorm1d extends BatchNorm1d {
  override readonly bias: Parameter;

  constructor(options: ShiftOnlyBatchNormOptions) {
    super(checkOptions('ShiftOnlyBatchNorm1d', options));
    this.bias = this.addParameter('bias', zeros([this.numFeatures]));
  }

  protected override compute(x: Variable): Variable {
    return addShift(this, super.compute(x), this.use('bias'));
  }

  protected override describe(): string {
    return describeShiftOnly(this);
  }
}

/** Batch norm over [batch, channels, height, width] with a learnable shift per channel and no scale. */
export class ShiftOnlyBatchNorm2d extends BatchNorm2d {
  override readonly bias: Parameter;

  constructor(options: ShiftOnlyBatchNormOptions) {
    super(checkOptions('ShiftOnlyBatchNorm2d', options));
    this.bias = this.addParameter('bias', zeros([this.numFeatures]));
  }

  protected override compute(x: Variable): Variable {
    return addShift(this, super.compute(x), this.use('bias'));
  }

  protected override describe(): string {
    return describeShiftOnly(this);
  }
}

/** How a model's batch norms are made. */
export interface ModelBatchNormOptions {
  /** A learnable per-channel scale (PyTorch's affine batch norm). false: shift only, Keras' scale=False. */
  scale?: boolean;
  /** Added to the variance (PyTorch 1e-5, Keras 1e-3). */
  eps?: number;
  /** PyTorch's momentum, the weight of the batch statistics (Keras' momentum m is 1 - m here). */
  momentum?: number;
}

/** A batch norm after a layer with `channels` outputs: 2d after a convolution, 1d after a dense layer. */
export function batchNorm(kind: 'conv' | 'linear', channels: number, options: Required<ModelBatchNormOptions>): Module {
  const common = { numFeatures: channels, eps: options.eps, momentum: options.momentum };
  if (options.scale) return kind === 'conv' ? new BatchNorm2d(common) : new BatchNorm1d(common);
  return kind === 'conv' ? new ShiftOnlyBatchNorm2d(common) : new ShiftOnlyBatchNorm1d(common);
}

/** `given` over the model's defaults, checked. */
export function resolveBatchNorm(model: string, given: unknown, defaults: Required<ModelBatchNormOptions>): Required<ModelBatchNormOptions> {
  if (given === undefined) return defaults;
  if (given === null || typeof given !== 'object' || Array.isArray(given)) throw new ArgumentError(model, 'batchNorm', given, '{ scale?, eps?, momentum? }');
  for (const key of Object.keys(given)) {
    if (!['scale', 'eps', 'momentum'].includes(key)) throw new ArgumentError(model, `batchNorm.${key}`, (given as Record<string, unknown>)[key], 'one of scale, eps, momentum');
  }
  const resolved = { ...defaults, ...(given as ModelBatchNormOptions) };
  if (typeof resolved.scale !== 'boolean') throw new ArgumentError(model, 'batchNorm.scale', resolved.scale, 'true or false');
  return resolved;
}
