/**
 * The common part of layers with a weight and an optional bias (Linear, Conv2d): seeded PyTorch
 * default initialization, optional storage formats (no master copy), and all five quantization
 * roles. The `weights` role applies to the weight only: the bias is added in the accumulator's
 * precision, as in Larq and the papers' GEMM-centred schemes; store it in a format with
 * `biasStorage` if it must be low precision too.
 */
import { deriveSeed, type Parameter } from '@lowbit/autograd';
import { ArgumentError, type Tensor } from '@lowbit/tensor';
import { fans } from '../init/fans.js';
import { defaultBiasInitializer, defaultWeightInitializer, type Initializer } from '../init/initializers.js';
import { Module, type ModuleOptions } from '../module.js';
import { QUANTIZATION_ROLES, type QuantizationRole } from '../quantization/spec.js';
import { checkLayerSeed, nextSeed } from '../seed.js';
import type { ParameterStorage } from '../storage.js';

export interface WeightLayerOptions extends ModuleOptions {
  /** Add a learnable bias (default true). */
  bias?: boolean;
  /** Key of every random choice of the layer. Default: the next seed of the process-wide sequence (see manualSeed). */
  seed?: number;
  /** Default: PyTorch's kaiming_uniform_(a = sqrt(5)), U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
  weightInitializer?: Initializer;
  /** Default: PyTorch's U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
  biasInitializer?: Initializer;
  /**
   * Store the weight only in this format (no float32 master copy): the initial value and every
   * optimizer update are rounded into it. Independent of the `weights` quantization role, which
   * rounds on the way forward (see README, "Weight storage").
   */
  weightStorage?: ParameterStorage;
  /** Store the bias only in this format. */
  biasStorage?: ParameterStorage;
}

export abstract class WeightLayer extends Module {
  readonly seed: number;
  readonly weight: Parameter;
  readonly bias: Parameter | undefined;
  private readonly weightInitializer: Initializer;
  private readonly biasInitializer: Initializer;

  constructor(weightShape: readonly number[], options: WeightLayerOptions) {
    super(options);
    this.seed = options.seed === undefined ? nextSeed() : checkLayerSeed(this.type, options.seed);
    const bias = options.bias ?? true;
    if (typeof bias !== 'boolean') throw new ArgumentError(this.type, 'bias', bias, 'true or false');
    for (const field of ['weightInitializer', 'biasInitializer'] as const) {
      if (options[field] !== undefined && typeof options[field] !== 'function') throw new ArgumentError(this.type, field, options[field], 'a function (shape, { seed, fanIn, fanOut }) => Tensor');
    }
    this.weightInitializer = options.weightInitializer ?? defaultWeightInitializer;
    this.biasInitializer = options.biasInitializer ?? defaultBiasInitializer;
    const [weight, biasValue] = this.initialValues(weightShape, bias);
    this.weight = this.addParameter('weight', weight, { storage: options.weightStorage, seed: this.seed, field: 'weightStorage' });
    this.bias = biasValue === undefined ? undefined : this.addParameter('bias', biasValue, { storage: options.biasStorage, seed: this.seed, field: 'biasStorage' });
  }

  override get quantizationRoles(): readonly QuantizationRole[] {
    return QUANTIZATION_ROLES;
  }

  private initialValues(weightShape: readonly number[], bias: boolean, seed = this.seed): [Tensor, Tensor | undefined] {
    const { fanIn, fanOut } = fans(weightShape);
    const weight = this.checked('weightInitializer', weightShape, this.weightInitializer(weightShape, { seed: deriveSeed(seed, 'weight'), fanIn, fanOut }));
    if (!bias) return [weight, undefined];
    const biasShape = [weightShape[0]];
    return [weight, this.checked('biasInitializer', biasShape, this.biasInitializer(biasShape, { seed: deriveSeed(seed, 'bias'), fanIn, fanOut }))];
  }

  private checked(field: string, shape: readonly number[], value: Tensor): Tensor {
    if (value === null || typeof value !== 'object' || value.dtype !== 'float32' || value.shape.length !== shape.length || value.shape.some((d, i) => d !== shape[i])) {
      throw new ArgumentError(this.type, field, value, `a function returning a float32 tensor of shape [${shape.join(',')}]`);
    }
    return value;
  }

  /** Draws the weight and bias again from the initializers (with `seed`, default the layer's), rounded into their storage formats. */
  resetParameters(seed = this.seed): void {
    const [weight, bias] = this.initialValues(this.weight.shape, this.bias !== undefined, checkLayerSeed(this.type, seed));
    this.weight.assign(weight);
    if (bias !== undefined) this.bias?.assign(bias);
  }

  /** The bias, if any, as the computation should use it. */
  protected biasValue() {
    return this.bias === undefined ? undefined : this.use('bias');
  }
}
