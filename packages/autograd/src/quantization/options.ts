/**
 * Options of quantization points, and their validation. Everything is checked when the point is
 * made (the boundary), so a bad option never surfaces mid-training; messages use @lowbit/tensor's
 * ArgumentError: op 'quantizer', the field path, the value, what is allowed.
 */
import { ArgumentError } from '@lowbit/tensor';
import { ROUNDINGS, binaryFormat, type ElementFormat, type Rounding, type ScaleRule, type TensorFormat } from '@lowbit/formats';

/**
 * How values are scaled before they are rounded into the format (and scaled back after):
 * - 'none': q = Q(x).
 * - static-offset: q = Q(x 2^offset) 2^-offset. For a float format this is exactly the format with
 *   bias + offset (Pietrołaj & Blok's exponent offset: a positive offset moves the range toward
 *   small magnitudes), for fixed point fractionBits + offset.
 * - dynamic-offset: the same with offset = emax - floor(log2 amax) - margin, where emax =
 *   floor(log2 format max) and amax is the running max |x| since the last recomputation
 *   (including the current step), recomputed at steps 0, every, 2 every, ... (papers.md; with
 *   every 1 it is Ortiz et al.'s per-step local scaling with a power-of-two scale 2^-offset).
 * - tensor / channel / block: a shared scale per tensor, per channel along `axis`, or per block of
 *   `blockSize` values along `axis`, chosen from each group's max |x| every step by @lowbit/formats'
 *   scaledFormat / blockFormat (rule 'power-of-two' never clips, 'e8m0' is the OCP MX rule,
 *   'real' a float32 scale; margin multiplies the scale by 2^margin).
 */
export type ScalingPolicy =
  | 'none'
  | { kind: 'static-offset'; offset: number }
  | { kind: 'dynamic-offset'; every?: number; margin?: number }
  | { kind: 'tensor'; rule?: ScaleRule; margin?: number }
  | { kind: 'channel'; axis?: number; rule?: ScaleRule; margin?: number }
  | { kind: 'block'; blockSize?: number; axis?: number; rule?: ScaleRule; margin?: number };

/** One direction of a quantization point: the format, how to round into it, how to scale. */
export interface QuantizationSideOptions {
  /** An element format (floatFormat, parseFormat('float8_e4m3fn'), ...) or a tensor format (an MX preset). */
  format: ElementFormat | TensorFormat;
  /** Default 'nearest-even'. */
  rounding?: Rounding;
  /** Default 'none'. A tensor format brings its own scales: only 'none' fits it. */
  scaling?: ScalingPolicy;
  /** Bits per stochastic rounding decision, 1..32 (default 32). */
  randomBits?: number;
}

/**
 * The gradient rule of the forward rounding:
 * - 'ste' (default): straight-through, dx = dy;
 * - { kind: 'clipped-ste', clip }: dx = dy where |x| <= clip, 0 elsewhere (Larq's ste_sign gradient);
 * - 'sign' (or { kind: 'sign', clip }): the forward pass binarizes, sign(x) with sign(0) = +1 (the
 *   binary format, scale 1 unless forward.format is another binary format), and the gradient is
 *   the clipped straight-through estimator with clip 1 (or the given clip).
 */
export type Estimator = 'ste' | 'clipped-ste' | 'sign' | { kind: 'ste' } | { kind: 'clipped-ste'; clip?: number } | { kind: 'sign'; clip?: number };

export interface StatisticsOptions {
  /** Also record the exponent histogram of the values the format sees. Default false. */
  histogram?: boolean;
  /** How many steps `history` keeps (oldest dropped first). Default 10000. */
  historyLimit?: number;
}

export interface QuantizerOptions {
  /** Name in statistics and messages; also the default seed (hashed). */
  name?: string;
  /** Rounding of the values on the way forward; default none (identity). */
  forward?: QuantizationSideOptions;
  /** Rounding of the incoming gradient on the way back; default none (float32). */
  backward?: QuantizationSideOptions;
  estimator?: Estimator;
  /** Key of the stochastic-rounding streams (forward and backward derive their own). Default: hash of the name, else 0. */
  seed?: number;
  /** Per-step counts (default true), the exponent histogram on request, or false for none. */
  statistics?: boolean | StatisticsOptions;
}

export interface ResolvedEstimator {
  kind: 'ste' | 'clipped-ste' | 'sign';
  /** |x| <= clip passes the gradient (Infinity for plain STE). */
  clip: number;
}

export type ResolvedScaling =
  | { kind: 'none' }
  | { kind: 'static-offset'; offset: number }
  | { kind: 'dynamic-offset'; every: number; margin: number }
  | { kind: 'tensor'; rule: ScaleRule; margin: number }
  | { kind: 'channel'; axis: number; rule: ScaleRule; margin: number }
  | { kind: 'block'; blockSize: number; axis: number; rule: ScaleRule; margin: number };

export interface ResolvedSide {
  format: ElementFormat | TensorFormat;
  rounding: Rounding;
  scaling: ResolvedScaling;
  randomBits: number;
}

const op = 'quantizer';
const SCALE_RULES: readonly ScaleRule[] = ['power-of-two', 'e8m0', 'real'];
/** Offsets keep the scale factor 2^offset a normal float32 power of two (E8M0's range). */
export const MAX_OFFSET = 127;

export function isTensorFormat(format: ElementFormat | TensorFormat): format is TensorFormat {
  return 'element' in format && typeof format.element === 'object';
}

function integer(field: string, value: unknown, fallback: number, low: number, high: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < low || value > high) {
    throw new ArgumentError(op, field, value, `an integer in [${low}, ${high}]`);
  }
  return value;
}

function scaleRule(field: string, value: unknown, fallback: ScaleRule): ScaleRule {
  if (value === undefined) return fallback;
  if (!SCALE_RULES.includes(value as ScaleRule)) throw new ArgumentError(op, field, value, "'power-of-two', 'e8m0' or 'real'");
  return value as ScaleRule;
}

export function resolveScaling(field: string, scaling: ScalingPolicy | undefined, format: ElementFormat | TensorFormat): ResolvedScaling {
  if (scaling === undefined || scaling === 'none') return { kind: 'none' };
  const allowed = "'none', { kind: 'static-offset', offset }, { kind: 'dynamic-offset', every?, margin? }, { kind: 'tensor' | 'channel' | 'block', ... }";
  if (scaling === null || typeof scaling !== 'object') throw new ArgumentError(op, field, scaling, allowed);
  if (isTensorFormat(format)) {
    throw new ArgumentError(op, field, scaling, `'none' for the tensor format ${format.name}`, 'it has its own shared scales; give its element format to scale it differently');
  }
  switch (scaling.kind) {
    case 'static-offset':
      return { kind: 'static-offset', offset: integer(`${field}.offset`, scaling.offset ?? NaN, 0, -MAX_OFFSET, MAX_OFFSET) };
    case 'dynamic-offset':
      return {
        kind: 'dynamic-offset',
        every: integer(`${field}.every`, scaling.every, 1, 1, Number.MAX_SAFE_INTEGER),
        margin: integer(`${field}.margin`, scaling.margin, 0, -MAX_OFFSET, MAX_OFFSET),
      };
    case 'tensor':
      return { kind: 'tensor', rule: scaleRule(`${field}.rule`, scaling.rule, 'power-of-two'), margin: integer(`${field}.margin`, scaling.margin, 0, -MAX_OFFSET, MAX_OFFSET) };
    case 'channel':
      return {
        kind: 'channel',
        axis: integer(`${field}.axis`, scaling.axis, 0, -64, 63),
        rule: scaleRule(`${field}.rule`, scaling.rule, 'power-of-two'),
        margin: integer(`${field}.margin`, scaling.margin, 0, -MAX_OFFSET, MAX_OFFSET),
      };
    case 'block':
      return {
        kind: 'block',
        blockSize: integer(`${field}.blockSize`, scaling.blockSize, 32, 1, 2 ** 31 - 1),
        axis: integer(`${field}.axis`, scaling.axis, -1, -64, 63),
        rule: scaleRule(`${field}.rule`, scaling.rule, 'e8m0'),
        margin: integer(`${field}.margin`, scaling.margin, 0, -MAX_OFFSET, MAX_OFFSET),
      };
    default:
      throw new ArgumentError(op, `${field}.kind`, (scaling as { kind?: unknown }).kind, "'static-offset', 'dynamic-offset', 'tensor', 'channel' or 'block'");
  }
}

export function resolveSide(field: 'forward' | 'backward', side: QuantizationSideOptions | undefined): ResolvedSide | undefined {
  if (side === undefined) return undefined;
  if (side === null || typeof side !== 'object') throw new ArgumentError(op, field, side, '{ format, rounding?, scaling?, randomBits? }');
  const format = side.format;
  if (format === null || typeof format !== 'object' || typeof format.quantize !== 'function') {
    throw new ArgumentError(op, `${field}.format`, format, 'a format from @lowbit/formats (parseFormat(...), floatFormat(...), mxFormat(...))');
  }
  const rounding = side.rounding ?? 'nearest-even';
  if (!ROUNDINGS.includes(rounding)) throw new ArgumentError(op, `${field}.rounding`, rounding, ROUNDINGS.join(', '));
  return {
    format,
    rounding,
    scaling: resolveScaling(`${field}.scaling`, side.scaling, format),
    randomBits: integer(`${field}.randomBits`, side.randomBits, 32, 1, 32),
  };
}

export function resolveEstimator(estimator: Estimator | undefined): ResolvedEstimator {
  const value = estimator ?? 'ste';
  const kind = typeof value === 'string' ? value : value?.kind;
  const allowed = "'ste', 'sign', { kind: 'clipped-ste', clip } or { kind: 'sign', clip? }";
  if (kind !== 'ste' && kind !== 'clipped-ste' && kind !== 'sign') throw new ArgumentError(op, 'estimator', estimator, allowed);
  if (kind === 'ste') return { kind, clip: Infinity };
  const clip = typeof value === 'object' && 'clip' in value && value.clip !== undefined ? value.clip : 1;
  if (typeof clip !== 'number' || !(clip > 0)) throw new ArgumentError(op, 'estimator.clip', clip, 'a positive number (Larq uses 1)');
  return { kind, clip };
}

/** The forward side of the 'sign' estimator: the given binary format, else binary with scale 1. */
export function signSide(side: ResolvedSide | undefined): ResolvedSide {
  if (side === undefined) return { format: binaryFormat(), rounding: 'nearest-even', scaling: { kind: 'none' }, randomBits: 32 };
  if (side.format.spec.kind !== 'binary') {
    throw new ArgumentError(op, 'forward.format', side.format.name, "a binary format (or none) with estimator 'sign'", 'the sign estimator binarizes; use clipped-ste to round into another format');
  }
  return side;
}
