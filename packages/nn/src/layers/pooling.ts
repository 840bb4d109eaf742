/**
 * Pooling layers over NCHW inputs. Padded cells never win a max and are not counted in an
 * average (PyTorch's AvgPool2d counts them by default: count_include_pad=True; the two agree
 * without padding, the usual case). ceil_mode is not offered: windows must fit.
 */
import { avgPool2d, maxPool2d, mean, type Variable } from '@lowbit/autograd';
import { ArgumentError, pool2dAttributes, type Pool2dOptions } from '@lowbit/tensor';
import { Module, type ModuleOptions } from '../module.js';
import { expectRank } from './checks.js';

export interface PoolOptions extends ModuleOptions, Pool2dOptions {}

abstract class Pool2d extends Module {
  readonly options: Pool2dOptions;

  constructor(options: PoolOptions) {
    super(options);
    if (options === null || typeof options !== 'object' || options.kernelSize === undefined) {
      throw new ArgumentError(this.type, 'kernelSize', options?.kernelSize, 'a positive integer or [height, width]');
    }
    this.options = { kernelSize: options.kernelSize, stride: options.stride, padding: options.padding };
    // Check the options now on a nominal input large enough for any window.
    pool2dAttributes(this.type, [1, 1, 1 << 16, 1 << 16], this.options);
  }

  protected override describe(): string {
    return `kernelSize=${JSON.stringify(this.options.kernelSize)}, stride=${JSON.stringify(this.options.stride ?? this.options.kernelSize)}, padding=${JSON.stringify(this.options.padding ?? 'valid')}`;
  }
}

/** Maximum of each window; the gradient goes to the window's first maximum. */
export class MaxPool2d extends Pool2d {
  override get type(): string {
    return 'MaxPool2d';
  }
  protected compute(x: Variable): Variable {
    expectRank(this.label, x, [4], '[batch, channels, height, width]');
    return maxPool2d(x, this.options);
  }
}

/** Average of each window. */
export class AvgPool2d extends Pool2d {
  override get type(): string {
    return 'AvgPool2d';
  }
  protected compute(x: Variable): Variable {
    expectRank(this.label, x, [4], '[batch, channels, height, width]');
    return avgPool2d(x, this.options);
  }
}

export interface GlobalAvgPool2dOptions extends ModuleOptions {
  /** Keep the spatial axes as size 1 ([batch, channels, 1, 1], PyTorch's AdaptiveAvgPool2d(1)). Default false: [batch, channels]. */
  keepDims?: boolean;
}

/** Mean over height and width per channel: [batch, channels, h, w] -> [batch, channels]. */
export class GlobalAvgPool2d extends Module {
  readonly keepDims: boolean;

  constructor(options: GlobalAvgPool2dOptions = {}) {
    super(options);
    this.keepDims = options.keepDims ?? false;
    if (typeof this.keepDims !== 'boolean') throw new ArgumentError('GlobalAvgPool2d', 'keepDims', this.keepDims, 'true or false');
  }

  override get type(): string {
    return 'GlobalAvgPool2d';
  }

  protected compute(x: Variable): Variable {
    expectRank(this.label, x, [4], '[batch, channels, height, width]');
    return mean(x, { axis: [2, 3], keepDims: this.keepDims });
  }

  protected override describe(): string {
    return `keepDims=${this.keepDims}`;
  }
}
