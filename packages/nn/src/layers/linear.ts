/** Linear: y = x W^T + b over the last axis, W of shape [outFeatures, inFeatures] (PyTorch's layout). */
import { add, matmul, type Variable } from '@lowbit/autograd';
import { ArgumentError, ShapeError, formatShape } from '@lowbit/tensor';
import { expectAxis, positiveInteger } from './checks.js';
import { WeightLayer, type WeightLayerOptions } from './weight-layer.js';

export interface LinearOptions extends WeightLayerOptions {
  inFeatures: number;
  outFeatures: number;
}

function weightShape(options: LinearOptions): number[] {
  if (options === null || typeof options !== 'object') throw new ArgumentError('Linear', 'options', options, '{ inFeatures, outFeatures, bias?, seed?, ... }');
  for (const field of ['inFeatures', 'outFeatures'] as const) {
    if (!positiveInteger(options[field])) throw new ArgumentError('Linear', field, options[field], 'a positive integer');
  }
  return [options.outFeatures, options.inFeatures];
}

export class Linear extends WeightLayer {
  readonly inFeatures: number;
  readonly outFeatures: number;

  constructor(options: LinearOptions) {
    super(weightShape(options), options);
    this.inFeatures = options.inFeatures;
    this.outFeatures = options.outFeatures;
  }

  override get type(): string {
    return 'Linear';
  }

  protected compute(x: Variable): Variable {
    if (x.rank < 2) {
      throw new ShapeError(`${this.label}: expects input [batch, ..., ${this.inFeatures}] (rank 2 or more), got shape ${formatShape(x.shape)}; add a batch axis`, [x.shape]);
    }
    expectAxis(this.label, x, -1, this.inFeatures, 'features', 'check the previous layer\'s output size, or add a Flatten layer before this one');
    const y = matmul(x, this.quantizeWeights(this.use('weight')), { transposeB: true });
    const bias = this.biasValue();
    return bias === undefined ? y : add(y, bias);
  }

  protected override describe(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== undefined}`;
  }
}
