/**
 * The number-format variants of the Ortiz et al. experiment (papers.md section 2), as plain data
 * (format names, rounding, scaling per role) so that the results file records exactly what ran,
 * and the code that turns one into a quantization plan plus in-place weight storage.
 *
 * Roles follow the group's earlier Caffe code (marcortiz11/decaffeinato): weights are rounded in
 * place after every update (no float32 master copy), layer outputs are rounded forward and the
 * errors (gradients w.r.t. those outputs) backward; products are accumulated in float32. The
 * power-of-two variants round outputs, errors and weight gradients (the claim is about "outputs
 * and gradients") and leave the weights in float32.
 */
import { floatFormat, parseFormat, scaledFormat, type ElementFormat, type NumberFormat, type Rounding, type TensorFormat } from '@lowbit/formats';
import type { LayerQuantization, RoleOptions } from '@lowbit/nn';
import { ArgumentError } from '@lowbit/tensor';

/** One tensor role of a variant: a format name, its rounding, and whether a per-tensor power-of-two scale is chosen every step (local scaling). */
export interface RoleChoice {
  format: string;
  rounding: Extract<Rounding, 'nearest-even' | 'stochastic'>;
  localScaling?: boolean;
}

export interface OrtizVariant {
  name: string;
  description: string;
  /** Stored in place, rounded after every update (no master copy). Absent: float32 weights. */
  weights?: RoleChoice;
  /** Layer outputs (forward). */
  outputs?: RoleChoice;
  /** Gradients w.r.t. the layer outputs (backward). */
  errors?: RoleChoice;
  /** Gradients w.r.t. the weights (backward). */
  weightGradients?: RoleChoice;
}

/**
 * The reconstruction of the group's "8-bit float, 2 exponent and 5 mantissa bits": their code
 * (RoundFloatingPoint, zero = 2^(E-1) = 2) saturates at 2^(2^E - 1 - zero) (2 - 2^-M) = 3.94; bias 2
 * with every code a number gives the same maximum. Below 2^-1 this format has subnormals (step 2^-6)
 * where theirs had a binade more of normals and then a step of 2^-2, which it cannot express.
 */
export const E2M5_FORMAT = floatFormat({ exponentBits: 2, mantissaBits: 5, bias: 2, specials: 'finite', overflow: 'saturate' });

/**
 * The 12-bit fixed point format of each role, <word 12, fraction f> (a reconstruction: the abstract
 * gives no split). Each model's config chooses them so that the largest |x| the role reaches in a
 * float32 run fits (see ortiz.ts); one split per role serves every layer, as in the group's code.
 */
export interface FixedSplits {
  weights: string;
  outputs: string;
  errors: string;
}

/** "<12,10>" from "fixed_w12_f10". */
export function fixedNotation(name: string): string {
  const match = /^fixed_w(\d+)_f(-?\d+)/.exec(name);
  return match === null ? name : `<${match[1]},${match[2]}>`;
}

const sr = (format: string, localScaling = false): RoleChoice => ({ format, rounding: 'stochastic', ...(localScaling ? { localScaling } : {}) });
const nearest = (format: string): RoleChoice => ({ format, rounding: 'nearest-even' });

/** Weights, outputs and errors all in one format and rounding. */
function everywhere(name: string, description: string, role: RoleChoice): OrtizVariant {
  return { name, description, weights: role, outputs: role, errors: role };
}

function float12(format: 'e6m5' | 'e5m6', rounding: RoleChoice['rounding']): OrtizVariant {
  const label = rounding === 'stochastic' ? 'stochastic rounding' : 'round to nearest even';
  return everywhere(`${format}-${rounding === 'stochastic' ? 'sr' : 'nearest'}`, `12-bit float ${format.toUpperCase()} (IEEE-style, default bias), ${label}`, { format, rounding });
}

function powerOfTwo(rounding: RoleChoice['rounding']): OrtizVariant {
  const role: RoleChoice = { format: 'e6m0_finite', rounding };
  return {
    name: `pow2-7bit-${rounding === 'stochastic' ? 'sr' : 'nearest'}`,
    description: `7-bit power of two (sign + 6 exponent bits, ±2^-30..2^32, saturating) for outputs, errors and weight gradients, ${rounding === 'stochastic' ? 'stochastic rounding' : 'round to nearest even'}; float32 weights`,
    outputs: role,
    errors: role,
    weightGradients: role,
  };
}

/** Every variant this experiment knows, by name, for a model whose 12-bit fixed point uses `splits`. The config lists which ones each model runs. */
export function ortizVariants(splits: FixedSplits): Record<string, OrtizVariant> {
  return Object.fromEntries(
    [
      { name: 'float32', description: 'float32 everywhere (baseline)' },
      {
        name: 'fixed12-sr',
        description: `12-bit fixed point, stochastic rounding: weights ${fixedNotation(splits.weights)} stored in place, outputs ${fixedNotation(splits.outputs)}, errors ${fixedNotation(splits.errors)}`,
        weights: sr(splits.weights),
        outputs: sr(splits.outputs),
        errors: sr(splits.errors),
      },
      float12('e6m5', 'nearest-even'),
      float12('e6m5', 'stochastic'),
      float12('e5m6', 'nearest-even'),
      float12('e5m6', 'stochastic'),
      everywhere('fixed12-sr-scaled', '12-bit fixed point with local scaling: a power-of-two scale per tensor chosen from its max |x| every step, stochastic rounding', sr('fixed_w12_f8', true)),
      everywhere('e6m5-sr-scaled', '12-bit float E6M5 with local scaling (power-of-two scale per tensor, every step), stochastic rounding', sr('e6m5', true)),
      everywhere('e5m6-sr-scaled', '12-bit float E5M6 with local scaling (power-of-two scale per tensor, every step), stochastic rounding', sr('e5m6', true)),
      powerOfTwo('nearest-even'),
      powerOfTwo('stochastic'),
      // The configurations of the group's published MNIST numbers (papers.md), same roles.
      everywhere('fixed16-2.14-sr', 'published configuration: 16-bit fixed point <2,14>, stochastic rounding', sr('fixed_w16_f14')),
      everywhere('fp16-sr', 'published configuration: IEEE float16, stochastic rounding', sr('float16')),
      everywhere('e2m5-sr', 'published configuration: 8-bit float, 2 exponent + 5 mantissa bits (max 3.94, reconstruction), stochastic rounding', sr(E2M5_FORMAT.name)),
      everywhere('fixed16-8.8-nearest', 'published configuration: 16-bit fixed point <8,8>, round to nearest even', nearest('fixed_w16_f8')),
      everywhere('fixed16-8.8-sr', 'published configuration: 16-bit fixed point <8,8>, stochastic rounding', sr('fixed_w16_f8')),
    ].map((variant: OrtizVariant) => [variant.name, variant]),
  );
}

/**
 * Published MNIST test accuracies of the 784-1000-1000-10 MLP (papers.md section 2: the group's
 * earlier code, full MNIST, their training length). Literature values, never measured here.
 */
export const PUBLISHED_MLP_ACCURACY: Readonly<Record<string, number>> = Object.freeze({
  float32: 0.9864,
  'fixed16-2.14-sr': 0.9858,
  'fp16-sr': 0.9857,
  'e2m5-sr': 0.9835,
  'fixed16-8.8-nearest': 0.9497,
  'fixed16-8.8-sr': 0.9821,
});

/** The variants of `names`, in that order; an unknown name is an error listing the known ones. */
export function selectVariants(names: readonly string[], splits: FixedSplits): OrtizVariant[] {
  const known = ortizVariants(splits);
  return names.map((name) => {
    const variant = known[name];
    if (variant === undefined) throw new ArgumentError('ortiz', 'variants', name, `one of ${Object.keys(known).join(', ')}`, 'check the variant lists of the config');
    return variant;
  });
}

function elementFormat(name: string): ElementFormat {
  const format = parseFormat(name);
  if ('element' in format && typeof format.element === 'object') throw new ArgumentError('ortiz', 'format', name, 'an element format name (local scaling is set with localScaling)');
  return format as ElementFormat;
}

/** The format a stored weight takes: the element format, or with local scaling the element with one power-of-two scale per tensor. */
export function storageFormat(role: RoleChoice): ElementFormat | TensorFormat {
  const element = elementFormat(role.format);
  return role.localScaling === true ? scaledFormat({ element, granularity: 'tensor', scale: 'power-of-two' }) : element;
}

function roleOptions(role: RoleChoice | undefined): RoleOptions | undefined {
  if (role === undefined) return undefined;
  return {
    format: elementFormat(role.format) as NumberFormat,
    rounding: role.rounding,
    ...(role.localScaling === true ? { scaling: { kind: 'tensor', rule: 'power-of-two' } as const } : {}),
  };
}

/** The plan of the activation and gradient roles for every layer with weights (Linear, Conv2d); undefined for float32. */
export function variantPlan(variant: OrtizVariant): { layers: LayerQuantization } | undefined {
  const layers: LayerQuantization = {};
  const outputs = roleOptions(variant.outputs);
  const errors = roleOptions(variant.errors);
  const weightGradients = roleOptions(variant.weightGradients);
  if (outputs !== undefined) layers.outputs = outputs;
  if (errors !== undefined) layers.errors = errors;
  if (weightGradients !== undefined) layers.weightGradients = weightGradients;
  return Object.keys(layers).length === 0 ? undefined : { layers };
}

/** "fixed_w12_f8 SR", "e6m5+tensor-scale RN", "float32". */
export function roleLabel(role: RoleChoice | undefined): string {
  if (role === undefined) return 'float32';
  return `${role.format}${role.localScaling === true ? '+tensor-scale' : ''} ${role.rounding === 'stochastic' ? 'SR' : 'RN'}`;
}

/** Format labels by role, as recorded in RunResult.formats. */
export function variantFormats(variant: OrtizVariant): Record<string, string> {
  return {
    weights: roleLabel(variant.weights),
    activations: roleLabel(variant.outputs),
    errors: roleLabel(variant.errors),
    weightGradients: roleLabel(variant.weightGradients),
    master: variant.weights === undefined ? 'float32 (the weights themselves)' : 'none (weights stored in place)',
  };
}
