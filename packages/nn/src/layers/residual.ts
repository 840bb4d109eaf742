/**
 * Residual add: y = main(x) + shortcut(x), shortcut the identity unless given (a 1x1 Conv2d with
 * stride and a BatchNorm2d when the shapes change, as in ResNet). The module's `outputs` role
 * rounds the sum, and its `errors` role the gradient that reaches the sum.
 */
import { add, type Variable } from '@lowbit/autograd';
import { ArgumentError, ShapeError, formatShape } from '@lowbit/tensor';
import { Module, type ModuleOptions } from '../module.js';

export interface ResidualOptions extends ModuleOptions {
  main: Module;
  /** Default: the identity. */
  shortcut?: Module;
}

export class Residual extends Module {
  readonly main: Module;
  readonly shortcut: Module | undefined;

  constructor(options: ResidualOptions) {
    super(options);
    if (!(options?.main instanceof Module)) throw new ArgumentError('Residual', 'main', options?.main, 'a Module (the residual branch)');
    if (options.shortcut !== undefined && !(options.shortcut instanceof Module)) throw new ArgumentError('Residual', 'shortcut', options.shortcut, 'a Module or undefined (identity)');
    this.main = this.addModule('main', options.main);
    this.shortcut = options.shortcut === undefined ? undefined : this.addModule('shortcut', options.shortcut);
  }

  override get type(): string {
    return 'Residual';
  }

  protected compute(x: Variable): Variable {
    const main = this.main.forward(x);
    const shortcut = this.shortcut === undefined ? x : this.shortcut.forward(x);
    const same = main.rank === shortcut.rank && main.shape.every((d, i) => d === shortcut.shape[i]);
    if (!same) {
      throw new ShapeError(
        `${this.label}: the main branch gives ${formatShape(main.shape)} but the shortcut gives ${formatShape(shortcut.shape)}; ` +
          'give a shortcut that matches (in ResNet a 1x1 Conv2d with the same stride, then BatchNorm2d)',
        [main.shape, shortcut.shape],
      );
    }
    return add(main, shortcut);
  }
}
