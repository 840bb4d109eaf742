/** Parameter-free elementwise layers: ReLU, Hardtanh and Identity. */
import { clip, relu, type Variable } from '@lowbit/autograd';
import { ArgumentError } from '@lowbit/tensor';
import { Module, type ModuleOptions } from '../module.js';

/** max(x, 0); the gradient passes where x > 0 (0 at 0, as in PyTorch). */
export class ReLU extends Module {
  override get type(): string {
    return 'ReLU';
  }
  protected compute(x: Variable): Variable {
    return relu(x);
  }
}

export interface HardtanhOptions extends ModuleOptions {
  /** Default -1. */
  min?: number;
  /** Default 1. */
  max?: number;
}

/**
 * x clamped to [min, max] (default [-1, 1]), the usual activation of binarized networks before
 * the sign. The gradient passes where min <= x <= max: bounds included, like Larq's clipped
 * straight-through estimator (PyTorch's hardtanh excludes them; they differ only exactly at ±1).
 */
export class Hardtanh extends Module {
  readonly min: number;
  readonly max: number;

  constructor(options: HardtanhOptions = {}) {
    super(options);
    this.min = options.min ?? -1;
    this.max = options.max ?? 1;
    if (!Number.isFinite(this.min) || !Number.isFinite(this.max) || !(this.min < this.max)) {
      throw new ArgumentError('Hardtanh', 'min/max', [options.min, options.max], 'finite numbers with min < max');
    }
  }

  override get type(): string {
    return 'Hardtanh';
  }

  protected compute(x: Variable): Variable {
    return clip(x, this.min, this.max);
  }

  protected override describe(): string {
    return `min=${this.min}, max=${this.max}`;
  }
}

/** Returns its input: a placeholder (an empty shortcut, a removed layer) that can still carry quantization roles. */
export class Identity extends Module {
  override get type(): string {
    return 'Identity';
  }
  protected compute(x: Variable): Variable {
    return x;
  }
}
