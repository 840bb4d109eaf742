/**
 * Per-layer quantization specs: what a user writes for each tensor role of a layer, and how the
 * roles become autograd quantization points.
 *
 * A layer has at most three points, because each autograd point rounds one tensor forward and its
 * gradient backward:
 * - the **weights** point rounds W forward and the weight gradient G (`weightGradients`) backward;
 * - the **outputs** point rounds the activations A the layer produces forward and the error E
 *   (`errors`, the gradient w.r.t. those outputs) backward;
 * - the **inputs** point rounds the activations entering the layer forward; its backward side is
 *   left to the previous layer's `errors` role, so a gradient is never rounded twice in one place.
 */
import { ArgumentError } from '@lowbit/tensor';
import { parseFormat, type NumberFormat, type Rounding } from '@lowbit/formats';
import { QuantizationPoint, deriveSeed, type Estimator, type QuantizationSideOptions, type QuantizerOptions, type ScalingPolicy, type StatisticsOptions } from '@lowbit/autograd';

/** The tensor roles of a layer (DESIGN.md: W, A, E, G). */
export type QuantizationRole = 'weights' | 'inputs' | 'outputs' | 'errors' | 'weightGradients';
/** The roles that own a point: weights (W and G), inputs, outputs (A and E). */
export type PointRole = 'weights' | 'inputs' | 'outputs';

export const QUANTIZATION_ROLES: readonly QuantizationRole[] = ['weights', 'inputs', 'outputs', 'errors', 'weightGradients'];
export const POINT_ROLES: readonly PointRole[] = ['weights', 'inputs', 'outputs'];
/** Roles every module supports: around its computation. */
export const ACTIVATION_ROLES: readonly QuantizationRole[] = ['inputs', 'outputs', 'errors'];

/** One role in full: the format and how to round into it (autograd's quantizer side options). */
export interface RoleOptions {
  /** A format, or its name (`'float8_e4m3fn'`, `'float8_e5m2'`, `'mxfp8_e4m3'`, ...). */
  format: NumberFormat | string;
  /** Default 'nearest-even'. */
  rounding?: Rounding;
  /** Default 'none'. See @lowbit/autograd's scaling policies. */
  scaling?: ScalingPolicy;
  /** Bits per stochastic rounding decision (1..32). */
  randomBits?: number;
  /** weights / inputs / outputs only: how the gradient crosses the forward rounding. Default 'ste'. */
  estimator?: Estimator;
  /** Key of the point's stochastic streams; combined with the point's name, so one plan seed still gives every point its own stream. */
  seed?: number;
  /** Per-step statistics (default true), with the exponent histogram on request. */
  statistics?: boolean | StatisticsOptions;
}

/**
 * A role: full options, a format or a format name (round to nearest even, no scaling), a ready
 * QuantizationPoint (weights, inputs, outputs only: a point on weights also rounds G with its
 * backward side, one on outputs E), or 'float32' / null / undefined for none.
 */
export type RoleSpec = RoleOptions | NumberFormat | string | QuantizationPoint | null | undefined;

/** The quantization of one layer, role by role. */
export type LayerQuantization = Partial<Record<QuantizationRole, RoleSpec>>;

/** What a point role becomes: a ready point, options for a new one, or nothing. */
export type PointRecipe = { kind: 'ready'; point: QuantizationPoint } | { kind: 'options'; options: QuantizerOptions } | undefined;

const op = 'quantization';

function isFormat(value: unknown): value is NumberFormat {
  return value !== null && typeof value === 'object' && typeof (value as NumberFormat).quantize === 'function' && 'spec' in value;
}

/** True for the specs that mean "leave this role in float32". */
export function isNone(spec: RoleSpec): boolean {
  return spec === undefined || spec === null || spec === 'float32';
}

function formatOf(field: string, format: unknown): NumberFormat {
  if (typeof format === 'string') {
    try {
      return parseFormat(format);
    } catch (error) {
      throw new ArgumentError(op, `${field}.format`, format, 'a format name of @lowbit/formats', (error as Error).message);
    }
  }
  if (!isFormat(format)) throw new ArgumentError(op, `${field}.format`, format, 'a format from @lowbit/formats or its name (for example "float8_e4m3fn")');
  return format;
}

/** The options of one role, normalized; undefined for none. */
export function roleOptions(field: QuantizationRole, spec: RoleSpec): (RoleOptions & { format: NumberFormat }) | undefined {
  if (spec === undefined || spec === null || spec === 'float32') return undefined;
  if (spec instanceof QuantizationPoint) {
    const target = field === 'errors' ? 'outputs' : 'weights';
    throw new ArgumentError(op, field, spec.name ?? 'a QuantizationPoint', 'options, a format or a format name', `give the point to '${target}': its backward side rounds the ${field}`);
  }
  if (typeof spec === 'string' || isFormat(spec)) return { format: formatOf(field, spec) };
  if (typeof spec !== 'object') throw new ArgumentError(op, field, spec, "{ format, rounding?, scaling?, estimator?, seed?, statistics? }, a format, a format name, a QuantizationPoint or 'float32'");
  const format = formatOf(field, (spec as RoleOptions).format);
  if ((field === 'errors' || field === 'weightGradients') && spec.estimator !== undefined) {
    const target = field === 'errors' ? 'outputs' : 'weights';
    throw new ArgumentError(op, `${field}.estimator`, spec.estimator, 'no estimator on a backward role', `the estimator belongs to the forward rounding: set it on '${target}'`);
  }
  return { ...spec, format };
}

function side(options: RoleOptions & { format: NumberFormat }): QuantizationSideOptions {
  const result: QuantizationSideOptions = { format: options.format };
  if (options.rounding !== undefined) result.rounding = options.rounding;
  if (options.scaling !== undefined) result.scaling = options.scaling;
  if (options.randomBits !== undefined) result.randomBits = options.randomBits;
  return result;
}

/** The forward and backward roles of each point role. */
export const POINT_SIDES: Readonly<Record<PointRole, { forward: QuantizationRole; backward?: QuantizationRole }>> = {
  weights: { forward: 'weights', backward: 'weightGradients' },
  inputs: { forward: 'inputs' },
  outputs: { forward: 'outputs', backward: 'errors' },
};

/**
 * The recipe of one point role from a layer's quantization. `name` is the point's name (the
 * layer's dotted path and the role): it keys statistics and, hashed or combined with a given
 * seed, the point's streams (docs/decisions/0006 of the repository).
 */
export function pointRecipe(role: PointRole, quantization: LayerQuantization, name: string): PointRecipe {
  const { forward, backward } = POINT_SIDES[role];
  const forwardSpec = quantization[forward];
  const backwardSpec = backward === undefined ? undefined : quantization[backward];
  if (forwardSpec instanceof QuantizationPoint) {
    if (backward !== undefined && !isNone(backwardSpec)) {
      throw new ArgumentError(op, backward, backwardSpec, `nothing when '${forward}' is a ready QuantizationPoint`, `its backward side already rounds the ${backward}`);
    }
    return { kind: 'ready', point: forwardSpec };
  }
  const forwardOptions = roleOptions(forward, forwardSpec);
  const backwardOptions = backward === undefined ? undefined : roleOptions(backward, backwardSpec);
  if (forwardOptions === undefined && backwardOptions === undefined) return undefined;
  const lead = forwardOptions ?? backwardOptions!;
  const options: QuantizerOptions = { name };
  if (forwardOptions !== undefined) options.forward = side(forwardOptions);
  if (backwardOptions !== undefined) options.backward = side(backwardOptions);
  if (forwardOptions?.estimator !== undefined) options.estimator = forwardOptions.estimator;
  const seed = forwardOptions?.seed ?? backwardOptions?.seed;
  if (seed !== undefined) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new ArgumentError(op, `${forwardOptions ? forward : backward}.seed`, seed, 'a non-negative safe integer');
    options.seed = deriveSeed(seed, name);
  }
  if (lead.statistics !== undefined) options.statistics = lead.statistics;
  return { kind: 'options', options };
}

/** Roles given (not none) in a layer quantization. */
export function givenRoles(quantization: LayerQuantization): QuantizationRole[] {
  return QUANTIZATION_ROLES.filter((role) => !isNone(quantization[role]));
}

/** Checks the object shape of a layer quantization: only role keys. */
export function checkLayerQuantization(field: string, quantization: unknown): LayerQuantization {
  if (quantization === null || typeof quantization !== 'object' || Array.isArray(quantization) || quantization instanceof QuantizationPoint || isFormat(quantization)) {
    throw new ArgumentError(op, field, quantization, `{ ${QUANTIZATION_ROLES.map((r) => `${r}?`).join(', ')} }`);
  }
  for (const key of Object.keys(quantization)) {
    if (!QUANTIZATION_ROLES.includes(key as QuantizationRole)) {
      throw new ArgumentError(op, `${field}.${key}`, (quantization as Record<string, unknown>)[key], `a role: ${QUANTIZATION_ROLES.join(', ')}`, `${JSON.stringify(key)} is not a role`);
    }
  }
  return quantization as LayerQuantization;
}
