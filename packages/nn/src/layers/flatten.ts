/** Flatten: merges axes startAxis..endAxis (default 1..-1: everything but the batch axis, as PyTorch's nn.Flatten). */
import { flatten, type Variable } from '@lowbit/autograd';
import { ArgumentError } from '@lowbit/tensor';
import { Module, type ModuleOptions } from '../module.js';

export interface FlattenOptions extends ModuleOptions {
  /** Default 1. */
  startAxis?: number;
  /** Default -1. */
  endAxis?: number;
}

export class Flatten extends Module {
  readonly startAxis: number;
  readonly endAxis: number;

  constructor(options: FlattenOptions = {}) {
    super(options);
    this.startAxis = options.startAxis ?? 1;
    this.endAxis = options.endAxis ?? -1;
    for (const field of ['startAxis', 'endAxis'] as const) {
      if (!Number.isSafeInteger(this[field])) throw new ArgumentError('Flatten', field, this[field], 'an integer axis (negative counts from the end)');
    }
  }

  override get type(): string {
    return 'Flatten';
  }

  protected compute(x: Variable): Variable {
    return flatten(x, this.startAxis, this.endAxis);
  }

  protected override describe(): string {
    return `startAxis=${this.startAxis}, endAxis=${this.endAxis}`;
  }
}
