/**
 * Conv2d: 2-D cross-correlation over NCHW inputs with an OIHW weight [outChannels, inChannels /
 * groups, kernelHeight, kernelWidth] (PyTorch's layout), plus a bias per output channel.
 * padding: a number, [vertical, horizontal], [top, bottom, left, right], 'valid' (default, PyTorch's
 * 0) or 'same' (output = ceil(input / stride); an odd total puts the extra cell after, which for
 * stride 1 is PyTorch's padding='same').
 */
import { add, conv2d, reshape, type Variable } from '@lowbit/autograd';
import { ArgumentError, type Conv2dOptions } from '@lowbit/tensor';
import { expectAxis, expectRank, positiveInteger } from './checks.js';
import { WeightLayer, type WeightLayerOptions } from './weight-layer.js';

type Pair = number | readonly [number, number];

export interface Conv2dLayerOptions extends WeightLayerOptions {
  inChannels: number;
  outChannels: number;
  kernelSize: Pair;
  /** Default 1. */
  stride?: Pair;
  /** Default 'valid' (no padding). */
  padding?: Conv2dOptions['padding'];
  /** Spacing of the kernel taps. Default 1. */
  dilation?: Pair;
  /** Channel groups; inChannels and outChannels must be multiples. Default 1 (inChannels: depthwise). */
  groups?: number;
}

function pair(field: string, value: Pair | undefined, fallback: number): [number, number] {
  const result: [number, number] = value === undefined ? [fallback, fallback] : typeof value === 'number' ? [value, value] : [value[0], value[1]];
  if (!positiveInteger(result[0]) || !positiveInteger(result[1]) || (Array.isArray(value) && value.length !== 2)) {
    throw new ArgumentError('Conv2d', field, value, 'a positive integer or [height, width]');
  }
  return result;
}

function weightShape(options: Conv2dLayerOptions): number[] {
  if (options === null || typeof options !== 'object') throw new ArgumentError('Conv2d', 'options', options, '{ inChannels, outChannels, kernelSize, stride?, padding?, dilation?, groups?, bias?, seed?, ... }');
  for (const field of ['inChannels', 'outChannels'] as const) {
    if (!positiveInteger(options[field])) throw new ArgumentError('Conv2d', field, options[field], 'a positive integer');
  }
  const groups = options.groups ?? 1;
  if (!positiveInteger(groups)) throw new ArgumentError('Conv2d', 'groups', groups, 'a positive integer');
  if (options.inChannels % groups !== 0 || options.outChannels % groups !== 0) {
    throw new ArgumentError('Conv2d', 'groups', groups, `a divisor of both inChannels (${options.inChannels}) and outChannels (${options.outChannels})`);
  }
  const [kernelHeight, kernelWidth] = pair('kernelSize', options.kernelSize, 0);
  return [options.outChannels, options.inChannels / groups, kernelHeight, kernelWidth];
}

export class Conv2d extends WeightLayer {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: NonNullable<Conv2dOptions['padding']>;
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(options: Conv2dLayerOptions) {
    super(weightShape(options), options);
    this.inChannels = options.inChannels;
    this.outChannels = options.outChannels;
    this.kernelSize = [this.weight.shape[2], this.weight.shape[3]];
    this.stride = pair('stride', options.stride, 1);
    this.dilation = pair('dilation', options.dilation, 1);
    this.groups = options.groups ?? 1;
    this.padding = options.padding ?? 'valid';
    const padding = this.padding;
    const validList = Array.isArray(padding) && [1, 2, 4].includes(padding.length) && padding.every((p) => Number.isSafeInteger(p) && p >= 0);
    if (!(padding === 'valid' || padding === 'same' || (typeof padding === 'number' && Number.isSafeInteger(padding) && padding >= 0) || validList)) {
      throw new ArgumentError('Conv2d', 'padding', padding, "'valid', 'same', a non-negative integer, [vertical, horizontal] or [top, bottom, left, right]");
    }
  }

  override get type(): string {
    return 'Conv2d';
  }

  protected compute(x: Variable): Variable {
    expectRank(this.label, x, [4], '[batch, channels, height, width]');
    expectAxis(this.label, x, 1, this.inChannels, 'channels', "check the previous layer's outChannels (inputs are NCHW)");
    const y = conv2d(x, this.quantizeWeights(this.use('weight')), { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
    const bias = this.biasValue();
    return bias === undefined ? y : add(y, reshape(bias, [1, this.outChannels, 1, 1]));
  }

  protected override describe(): string {
    const parts = [`inChannels=${this.inChannels}`, `outChannels=${this.outChannels}`, `kernelSize=[${this.kernelSize.join(',')}]`, `stride=[${this.stride.join(',')}]`, `padding=${JSON.stringify(this.padding)}`];
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) parts.push(`dilation=[${this.dilation.join(',')}]`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    parts.push(`bias=${this.bias !== undefined}`);
    return parts.join(', ');
  }
}
