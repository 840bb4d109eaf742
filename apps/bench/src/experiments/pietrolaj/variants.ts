/**
 * The 8-bit float variants of the Pietrołaj & Blok experiment (papers.md section 1). Each variant
 * changes one thing against its neighbours, so a row of the delta table can be read as the effect
 * of that one technique:
 * - the exponent/mantissa split (E5M2, E4M3, E3M4, all IEEE-style with Inf/NaN codes);
 * - where the exponent range sits: the default bias, a static bias shifted toward small magnitudes
 *   (the "asymmetric exponent", fitted per tensor role from a float32 calibration with
 *   @lowbit/formats' fitBias), or a dynamic exponent offset per quantization point
 *   (offset = emax - floor(log2 max|x|) - margin, recomputed every N steps);
 * - overflow: saturate to the largest finite value, or IEEE behaviour (Inf, then NaN downstream);
 * - underflow: gradual (subnormals) or flush to zero;
 * - rounding: nearest-even or stochastic.
 * Every variant rounds all four tensor roles (weights W, layer inputs A, errors E, weight gradients
 * G) of every layer with weights, the first and last included; weights keep a float32 master copy.
 */
import { floatFormat, fitBias, type FloatFormat, type FloatSpecInput } from '@lowbit/formats';
import type { LayerQuantization, QuantizationPlan, RoleOptions } from '@lowbit/nn';
import { PietrolajConfigError } from './errors.js';

export type Split = 'e5m2' | 'e4m3' | 'e3m4';
export type RangeMethod = 'default-bias' | 'static-bias' | 'dynamic-offset';
/** The tensor roles of the paper (W, A, E, G), named as the results files name them. */
export type TensorRole = 'weights' | 'activations' | 'errors' | 'weightGradients';
export const TENSOR_ROLES: readonly TensorRole[] = ['weights', 'activations', 'errors', 'weightGradients'];

export interface Fp8Variant {
  name: string;
  split: Split;
  range: RangeMethod;
  overflow: 'saturate' | 'infinity';
  subnormals: boolean;
  rounding: 'nearest-even' | 'stochastic';
  /** Binades of headroom above max |x| for static-bias and dynamic-offset. Default: the config's margin. */
  margin?: number;
  description: string;
}

export const FLOAT32_VARIANT = 'float32';

const SPLITS: Record<Split, { exponentBits: number; mantissaBits: number }> = {
  e5m2: { exponentBits: 5, mantissaBits: 2 },
  e4m3: { exponentBits: 4, mantissaBits: 3 },
  e3m4: { exponentBits: 3, mantissaBits: 4 },
};

const plain = { overflow: 'saturate', subnormals: true, rounding: 'nearest-even' } as const;

/** Every 8-bit variant the experiment knows; a model's config picks a subset by name. */
export const FP8_VARIANTS: readonly Fp8Variant[] = [
  ...(['e5m2', 'e4m3', 'e3m4'] as const).map((split) => ({ name: split, split, range: 'default-bias' as const, ...plain, description: `${split.toUpperCase()} at its default bias, saturating, subnormals, nearest-even` })),
  ...(['e4m3', 'e3m4'] as const).map((split) => ({
    name: `${split}-static-bias`,
    split,
    range: 'static-bias' as const,
    ...plain,
    description: `${split.toUpperCase()} with one static bias per role, shifted toward small magnitudes (asymmetric exponent, fitted to a float32 calibration)`,
  })),
  ...(['e5m2', 'e4m3', 'e3m4'] as const).map((split) => ({ name: `${split}-offset`, split, range: 'dynamic-offset' as const, ...plain, description: `${split.toUpperCase()} with a dynamic exponent offset per quantization point` })),
  { name: 'e4m3-offset-tight-saturate', split: 'e4m3', range: 'dynamic-offset', ...plain, margin: 0, description: 'E4M3 dynamic offset without headroom (margin 0), overflow saturates' },
  { name: 'e4m3-offset-tight-infinity', split: 'e4m3', range: 'dynamic-offset', ...plain, overflow: 'infinity', margin: 0, description: 'E4M3 dynamic offset without headroom (margin 0), overflow gives Inf (IEEE)' },
  { name: 'e4m3-offset-flush', split: 'e4m3', range: 'dynamic-offset', ...plain, subnormals: false, description: 'E4M3 dynamic offset, subnormals flushed to zero' },
  { name: 'e4m3-offset-stochastic', split: 'e4m3', range: 'dynamic-offset', ...plain, rounding: 'stochastic', description: 'E4M3 dynamic offset, stochastic rounding on every role' },
];

/** The catalogue entry of a name, or a named error listing the known ones. */
export function findVariant(name: string): Fp8Variant {
  const variant = FP8_VARIANTS.find((candidate) => candidate.name === name);
  if (variant === undefined) {
    throw new PietrolajConfigError('variant', name, `one of ${[FLOAT32_VARIANT, ...FP8_VARIANTS.map((entry) => entry.name)].join(', ')}`, 'check the variant list of the model in the config');
  }
  return variant;
}

/** The variant's format at its default bias (dynamic offsets move it at run time). */
export function baseSpec(variant: Fp8Variant): FloatSpecInput {
  return { ...SPLITS[variant.split], specials: 'ieee', subnormals: variant.subnormals, overflow: variant.overflow };
}

/** The format of each role: the same for all roles, except for a static bias fitted per role. */
export function roleFormats(variant: Fp8Variant, margin: number, calibration?: Record<TensorRole, number>): Record<TensorRole, FloatFormat> {
  const spec = baseSpec(variant);
  if (variant.range !== 'static-bias') {
    const format = floatFormat(spec);
    return { weights: format, activations: format, errors: format, weightGradients: format };
  }
  if (calibration === undefined) throw new PietrolajConfigError('calibration', calibration, 'the max |x| of every role', `variant ${variant.name} fits a static bias per role and needs a calibration`);
  const fitted = (role: TensorRole) => floatFormat(fitBias(calibration[role], spec, { marginBits: variant.margin ?? margin, rule: 'floor-log2' }).spec);
  return { weights: fitted('weights'), activations: fitted('activations'), errors: fitted('errors'), weightGradients: fitted('weightGradients') };
}

export interface VariantSetup {
  /** Exact format names by role, plus the master copy, the scaling and the rounding. */
  formats: Record<string, string>;
  plan: QuantizationPlan | undefined;
  description: string;
}

export interface SetupOptions {
  margin: number;
  offsetEvery: number;
  histograms: boolean;
  seed: number;
  calibration?: Record<TensorRole, number>;
}

/** How the variant scales, for tables and results: 'none', 'static bias (fitted, margin 1)', 'dynamic-offset(every 10, margin 1)'. */
export function scalingLabel(variant: Fp8Variant, options: Pick<SetupOptions, 'margin' | 'offsetEvery'>): string {
  const margin = variant.margin ?? options.margin;
  if (variant.range === 'default-bias') return 'none';
  if (variant.range === 'static-bias') return `static bias per role (fitted, margin ${margin})`;
  return `dynamic-offset(every ${options.offsetEvery}, margin ${margin})`;
}

/** The quantization plan and recorded formats of a variant name ('float32' is the baseline). */
export function variantSetup(name: string, options: SetupOptions): VariantSetup {
  if (name === FLOAT32_VARIANT) {
    return {
      formats: { weights: 'float32', activations: 'float32', errors: 'float32', weightGradients: 'float32', master: 'float32', scaling: 'none', rounding: 'none' },
      plan: undefined,
      description: 'float32 everywhere (baseline)',
    };
  }
  const variant = findVariant(name);
  const formats = roleFormats(variant, options.margin, options.calibration);
  const scaling = variant.range === 'dynamic-offset' ? ({ kind: 'dynamic-offset', every: options.offsetEvery, margin: variant.margin ?? options.margin } as const) : undefined;
  const role = (format: FloatFormat): RoleOptions => ({
    format,
    rounding: variant.rounding,
    ...(scaling === undefined ? {} : { scaling }),
    // One plan seed; each point combines it with its own name, so streams still differ per point.
    ...(variant.rounding === 'stochastic' ? { seed: options.seed } : {}),
    statistics: options.histograms ? { histogram: true } : true,
  });
  const layers: LayerQuantization = { weights: role(formats.weights), inputs: role(formats.activations), errors: role(formats.errors), weightGradients: role(formats.weightGradients) };
  return {
    formats: {
      weights: formats.weights.name,
      activations: formats.activations.name,
      errors: formats.errors.name,
      weightGradients: formats.weightGradients.name,
      master: 'float32',
      scaling: scalingLabel(variant, options),
      rounding: variant.rounding,
    },
    plan: { layers },
    description: `${variant.description}; all roles (W, A, E, G) of every layer with weights in 8 bits, float32 master weights`,
  };
}

/** "float8_e4m3_saturate" when every role has the same format, else "W a · A b · E c · G d". */
export function formatsLabel(formats: Record<string, string>): string {
  const names = TENSOR_ROLES.map((role) => formats[role]);
  if (names.every((name) => name === names[0])) return names[0];
  return ['W', 'A', 'E', 'G'].map((letter, index) => `${letter} ${names[index]}`).join(' · ');
}
