/**
 * Batch normalization with PyTorch's definitions (torch.nn.BatchNorm1d/2d):
 * - training (or trackRunningStats false): per channel over the batch (and spatial) axes,
 *   y = (x - mean) / sqrt(var + eps) * weight + bias with the biased variance (divide by n);
 *   the running statistics move toward the batch's: running = (1 - m) running + m batch, where
 *   the running variance takes the *unbiased* variance (divide by n - 1), and numBatchesTracked
 *   counts the updates. momentum null makes m = 1 / numBatchesTracked (a cumulative average).
 * - evaluation: y = (x - runningMean) / sqrt(runningVar + eps) * weight + bias.
 * Buffers: runningMean (zeros), runningVar (ones), numBatchesTracked (int32 scalar), PyTorch's
 * running_mean, running_var, num_batches_tracked. The batch statistics are differentiated
 * through (mean and variance depend on x), as PyTorch does in training mode, by one fused op with
 * a closed-form gradient (batch-norm-training.ts).
 */
import { add, div, mul, reshape, sub, type Parameter, type Variable } from '@lowbit/autograd';
import * as T from '@lowbit/tensor';
import { ArgumentError, ShapeError, formatShape } from '@lowbit/tensor';
import { Module, type ModuleOptions } from '../module.js';
import { batchNormTraining } from './batch-norm-training.js';
import { expectAxis, expectRank, positiveInteger } from './checks.js';

export interface BatchNormOptions extends ModuleOptions {
  /** Channels (axis 1 of the input). */
  numFeatures: number;
  /** Added to the variance. Default 1e-5. */
  eps?: number;
  /** Weight of the batch statistics in the running ones. Default 0.1; null: cumulative average. */
  momentum?: number | null;
  /** Learnable per-channel weight (ones) and bias (zeros). Default true. */
  affine?: boolean;
  /** Keep running statistics for evaluation. Default true; false normalizes with batch statistics always. */
  trackRunningStats?: boolean;
}

abstract class BatchNorm extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly trackRunningStats: boolean;
  readonly weight: Parameter | undefined;
  readonly bias: Parameter | undefined;

  constructor(options: BatchNormOptions) {
    super(options);
    const type = this.type;
    if (options === null || typeof options !== 'object') throw new ArgumentError(type, 'options', options, '{ numFeatures, eps?, momentum?, affine?, trackRunningStats? }');
    if (!positiveInteger(options.numFeatures)) throw new ArgumentError(type, 'numFeatures', options.numFeatures, 'a positive integer (the channels, axis 1 of the input)');
    const eps = options.eps ?? 1e-5;
    if (!(typeof eps === 'number' && eps >= 0 && Number.isFinite(eps))) throw new ArgumentError(type, 'eps', eps, 'a finite non-negative number');
    const momentum = options.momentum === undefined ? 0.1 : options.momentum;
    if (momentum !== null && !(typeof momentum === 'number' && momentum >= 0 && momentum <= 1)) throw new ArgumentError(type, 'momentum', momentum, 'a number in [0, 1] or null (cumulative average)');
    const affine = options.affine ?? true;
    const trackRunningStats = options.trackRunningStats ?? true;
    if (typeof affine !== 'boolean') throw new ArgumentError(type, 'affine', affine, 'true or false');
    if (typeof trackRunningStats !== 'boolean') throw new ArgumentError(type, 'trackRunningStats', trackRunningStats, 'true or false');
    this.numFeatures = options.numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.trackRunningStats = trackRunningStats;
    const channels = [this.numFeatures];
    this.weight = affine ? this.addParameter('weight', T.ones(channels)) : undefined;
    this.bias = affine ? this.addParameter('bias', T.zeros(channels)) : undefined;
    if (trackRunningStats) {
      this.addBuffer('runningMean', T.zeros(channels));
      this.addBuffer('runningVar', T.ones(channels));
      this.addBuffer('numBatchesTracked', T.zeros([], { dtype: 'int32' }));
    }
  }

  /** Input ranks this layer accepts and how to describe them. */
  protected abstract readonly layout: { ranks: readonly number[]; text: string };

  protected compute(x: Variable): Variable {
    expectRank(this.label, x, this.layout.ranks, this.layout.text);
    expectAxis(this.label, x, 1, this.numFeatures, 'channels', "check the previous layer's output channels (numFeatures is axis 1)");
    const shape = [1, this.numFeatures, ...Array.from({ length: x.rank - 2 }, () => 1)];
    const count = x.size / this.numFeatures;
    if (this.training || !this.trackRunningStats) {
      if (this.training && count <= 1) {
        throw new ShapeError(`${this.label}: expected more than 1 value per channel when training, got input shape ${formatShape(x.shape)}; use a batch larger than 1 or call eval()`, [x.shape]);
      }
      // One fused op with its own gradient (batch-norm-training.ts), the affine part folded in.
      // Affine means scale and shift (a subclass may add a shift of its own to a non-affine one).
      const affine = this.weight !== undefined;
      const weight = affine ? reshape(this.use('weight'), shape) : T.ones(shape);
      const bias = affine ? reshape(this.use('bias'), shape) : T.zeros(shape);
      const { output, statistics } = batchNormTraining(x, weight, bias, this.eps);
      if (this.training && this.trackRunningStats) this.updateRunningStatistics(statistics.mean, statistics.variance, count);
      return output;
    }
    const runningMean = T.reshape(this.buffer('runningMean'), shape);
    const runningStd = T.sqrt(T.add(T.reshape(this.buffer('runningVar'), shape), this.eps));
    const normalized = div(sub(x, runningMean), runningStd);
    if (this.weight === undefined) return normalized;
    return add(mul(normalized, reshape(this.use('weight'), shape)), reshape(this.use('bias'), shape));
  }

  private updateRunningStatistics(batchMean: T.Tensor, biasedVariance: T.Tensor, count: number): void {
    const tracked = this.buffer('numBatchesTracked').item() + 1;
    this.setBuffer('numBatchesTracked', T.full([], tracked, { dtype: 'int32' }));
    const factor = this.momentum ?? 1 / tracked;
    const channels = [this.numFeatures];
    const unbiased = T.mul(T.reshape(biasedVariance, channels), count / (count - 1));
    const blend = (running: T.Tensor, batch: T.Tensor) => T.add(T.mul(running, 1 - factor), T.mul(batch, factor));
    this.setBuffer('runningMean', blend(this.buffer('runningMean'), T.reshape(batchMean, channels)));
    this.setBuffer('runningVar', blend(this.buffer('runningVar'), unbiased));
  }

  protected override describe(): string {
    return `numFeatures=${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== undefined}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** Batch norm over [batch, features] or [batch, channels, length] inputs. */
export class BatchNorm1d extends BatchNorm {
  protected readonly layout = { ranks: [2, 3], text: '[batch, features] or [batch, channels, length]' };
  override get type(): string {
    return 'BatchNorm1d';
  }
}

/** Batch norm over [batch, channels, height, width] inputs, per channel. */
export class BatchNorm2d extends BatchNorm {
  protected readonly layout = { ranks: [4], text: '[batch, channels, height, width]' };
  override get type(): string {
    return 'BatchNorm2d';
  }
}
