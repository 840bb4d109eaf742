/**
 * The TensorFormat object shared by scaled (tensor/channel) and block formats: they differ only in
 * how values are grouped, so each passes its grouping and gets quantize/encode/decode.
 *
 * Semantics of a value x in a group with scale s (chosen by the rule, or given in options.scales):
 *   v = x / s rounded to float32 (exact for powers of two unless v falls below float32's normal
 *       range; correctly rounded for real scales), saturated to [element min, element max];
 *   q = the element format's rounding of v (rounding options, counter offset + i for value i);
 *   result = q · s rounded to float32.
 * quantize gives exactly decode(encode(...)), with no array but the output and one scale per group.
 */
import { EncodingError, QuantizeOptionsError, describe } from '../errors.js';
import { floatFormat } from '../float/index.js';
import { outputFor, resolveOptions } from '../options.js';
import type { ElementFormat, FloatFormat, QuantizeOptions, ScaledEncoding, TensorFormat, TensorQuantizeOptions } from '../types.js';
import { chooseScales, scaleInto, unscaleInPlace, type ElementBounds } from './kernel.js';
import { checkShape, resolveShape, shapeSize, type Grouping } from './layout.js';
import { checkScales, isPowerOfTwoRule, scaleChooser, type ScaleRule } from './scale-rule.js';

/** A TensorFormat of this package, with what its scales cost. */
export interface ScaledTensorFormat<S extends { kind: string } = { kind: string }> extends TensorFormat<S> {
  /** How scales are stored: E8M0 (float8_e8m0fnu) for powers of two, float32 for real scales. */
  readonly scaleFormat: FloatFormat;
  /** Bits per stored scale (8 or 32). */
  readonly scaleBits: number;
  /** Number of scales (groups) for values of this shape. */
  scaleCount(shape: readonly number[]): number;
  /** Storage of values of this shape in bits: element codes plus scales. */
  storageBits(shape: readonly number[]): number;
}

export interface TensorFormatParts<S extends { kind: string }> {
  spec: S;
  name: string;
  element: ElementFormat;
  rule: ScaleRule;
  margin: number;
  /** The grouping of values of a (checked) shape; throws QuantizeOptionsError for a bad axis. */
  grouping(shape: readonly number[]): Grouping;
  bitsPerValue: number;
}

let e8m0Format: FloatFormat | undefined;
let float32Format: FloatFormat | undefined;

export function scaleFormatFor(rule: ScaleRule): FloatFormat {
  if (isPowerOfTwoRule(rule)) return (e8m0Format ??= floatFormat({ exponentBits: 8, mantissaBits: 0, specials: 'e8m0' }));
  return (float32Format ??= floatFormat({ exponentBits: 8, mantissaBits: 23 }));
}

/** Only the rounding fields go to the element: it must not see shape, scales or out. */
function elementOptions(options: TensorQuantizeOptions | undefined, out?: Float32Array): QuantizeOptions {
  const resolved = resolveOptions(options);
  return { rounding: resolved.rounding, seed: resolved.seed, offset: resolved.offset, randomBits: resolved.randomBits, out };
}

export function makeTensorFormat<S extends { kind: string }>(parts: TensorFormatParts<S>): ScaledTensorFormat<S> {
  const { element, rule, grouping: groupingFor } = parts;
  const choose = scaleChooser(rule, element.range.max, parts.margin);
  const bounds: ElementBounds = { low: element.range.min, high: element.range.max, powerOfTwo: isPowerOfTwoRule(rule) };
  const scaleFormat = scaleFormatFor(rule);

  function checkValues(values: Float32Array): void {
    if (!(values instanceof Float32Array)) {
      throw new QuantizeOptionsError('values', Object.prototype.toString.call(values), 'a Float32Array');
    }
  }

  function scalesFor(values: Float32Array, grouping: Grouping, options: TensorQuantizeOptions | undefined): Float32Array {
    if (options?.scales !== undefined) return checkScales(options.scales, grouping.groupCount, rule, 'options');
    return chooseScales(values, grouping, choose);
  }

  function quantize(values: Float32Array, options?: TensorQuantizeOptions): Float32Array {
    const out = outputFor(values, options);
    const forElement = elementOptions(options, out);
    const grouping = groupingFor(resolveShape(values.length, options?.shape));
    const scales = scalesFor(values, grouping, options);
    scaleInto(values, grouping, scales, bounds, out);
    element.quantize(out, forElement);
    unscaleInPlace(grouping, scales, out);
    return out;
  }

  function encode(values: Float32Array, options?: TensorQuantizeOptions): ScaledEncoding {
    checkValues(values);
    const forElement = elementOptions(options);
    const shape = resolveShape(values.length, options?.shape);
    const grouping = groupingFor(shape);
    // A copy of caller-given scales, so the encoding never aliases the caller's running scale.
    const scales = options?.scales !== undefined ? Float32Array.from(scalesFor(values, grouping, options)) : scalesFor(values, grouping, options);
    const scaled = new Float32Array(values.length);
    scaleInto(values, grouping, scales, bounds, scaled);
    return { codes: element.encode(scaled, forElement), scales, shape };
  }

  function decode(encoding: ScaledEncoding): Float32Array {
    if (typeof encoding !== 'object' || encoding === null || typeof encoding.codes?.length !== 'number') {
      throw new EncodingError(`cannot decode ${describe(encoding)} with ${parts.name}: expected { codes, scales, shape } from encode`);
    }
    const shape = resolveShape(encoding.codes.length, encoding.shape ?? [encoding.codes.length]);
    const grouping = groupingFor(shape);
    const scales = checkScales(encoding.scales, grouping.groupCount, rule, 'encoding');
    const out = element.decode(encoding.codes);
    unscaleInPlace(grouping, scales, out);
    return out;
  }

  function scaleCount(shape: readonly number[]): number {
    return groupingFor(checkShape(shape)).groupCount;
  }

  function storageBits(shape: readonly number[]): number {
    return shapeSize(checkShape(shape)) * element.bits + scaleCount(shape) * scaleFormat.bits;
  }

  return Object.freeze({
    spec: Object.freeze(parts.spec),
    name: parts.name,
    element,
    bits: element.bits,
    bitsPerValue: parts.bitsPerValue,
    scaleFormat,
    scaleBits: scaleFormat.bits,
    quantize,
    encode,
    decode,
    scaleCount,
    storageBits,
  });
}
