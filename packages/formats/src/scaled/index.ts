/**
 * Scaled formats: an element format times one shared scale per tensor or per channel. This is
 * RCT's "integers with a scale" (element = fixed point with fractionBits 0) and Ortiz et al.'s
 * local scaling. How scales are chosen: ./scale-rule.ts; exact value semantics: ./tensor-format.ts.
 *
 * Names: scaled_<element name>_tensor or scaled_<element name>_channel<axis>, then _real or _e8m0
 * when the scale rule is not 'power-of-two', then _margin<bits> when the margin is not 0
 * ("scaled_float8_e4m3fn_channel0_real", "scaled_i8_tensor_margin1").
 */
import { FormatSpecError } from '../errors.js';
import type { ElementFormat, ElementSpec } from '../types.js';
import { checkAxis, checkElement, checkMargin, checkScaleRule } from './element.js';
import { channelGrouping, tensorGrouping } from './layout.js';
import type { ScaleRule } from './scale-rule.js';
import { makeTensorFormat, type ScaledTensorFormat } from './tensor-format.js';

export type { ScaleRule } from './scale-rule.js';
export type { ScaledTensorFormat } from './tensor-format.js';

export type ScaleGranularity = 'tensor' | 'channel';

/** Plain-data description of a scaled format (JSON-safe). */
export interface ScaledSpec {
  kind: 'scaled';
  element: ElementSpec;
  granularity: ScaleGranularity;
  /** Channel axis of the values' shape (granularity 'channel' only; negative counts from the end). */
  axis?: number;
  scale: ScaleRule;
  /** The chosen scale is multiplied by 2^margin. */
  margin: number;
}

export interface ScaledFormatOptions {
  element: ElementFormat;
  granularity: ScaleGranularity;
  /** Channel axis, granularity 'channel' only. Default 0. */
  axis?: number;
  /** Default 'power-of-two'. */
  scale?: ScaleRule;
  /** Headroom in bits: the chosen scale is multiplied by 2^margin. Default 0. */
  margin?: number;
}

export type ScaledFormat = ScaledTensorFormat<ScaledSpec>;

const GRANULARITIES: readonly ScaleGranularity[] = ['tensor', 'channel'];

/** The name suffix of a scale rule in scaled-format names ('power-of-two' is the default: none). */
export function scaledRuleSuffix(rule: ScaleRule): string {
  return rule === 'power-of-two' ? '' : rule === 'real' ? '_real' : '_e8m0';
}

export function marginSuffix(margin: number): string {
  return margin === 0 ? '' : `_margin${margin}`;
}

/**
 * A scaled format. bitsPerValue is the element's bits: one scale per tensor or channel costs
 * scaleBits (8 for power-of-two and e8m0 scales, stored as E8M0; 32 for real scales) per group,
 * which depends on the shape: `storageBits(shape)` counts it.
 */
export function scaledFormat(options: ScaledFormatOptions): ScaledFormat {
  if (typeof options !== 'object' || options === null) {
    throw new FormatSpecError('options', options, "an object { element, granularity, axis?, scale?, margin? }");
  }
  const element = checkElement(options.element);
  const granularity = options.granularity;
  if (!GRANULARITIES.includes(granularity)) {
    throw new FormatSpecError('granularity', granularity, "'tensor' or 'channel'", 'use blockFormat for blocks of k values');
  }
  if (granularity === 'tensor' && options.axis !== undefined) {
    throw new FormatSpecError('axis', options.axis, "no axis with granularity 'tensor'", "an axis only applies to granularity 'channel'");
  }
  const scale = checkScaleRule(options.scale ?? 'power-of-two');
  const margin = checkMargin(options.margin ?? 0);
  const axis = granularity === 'channel' ? checkAxis(options.axis ?? 0) : undefined;
  const spec: ScaledSpec =
    axis === undefined
      ? { kind: 'scaled', element: element.spec, granularity, scale, margin }
      : { kind: 'scaled', element: element.spec, granularity, axis, scale, margin };
  const where = axis === undefined ? 'tensor' : `channel${axis}`;
  return makeTensorFormat({
    spec,
    name: `scaled_${element.name}_${where}${scaledRuleSuffix(scale)}${marginSuffix(margin)}`,
    element,
    rule: scale,
    margin,
    grouping: axis === undefined ? tensorGrouping : (shape) => channelGrouping(shape, axis),
    bitsPerValue: element.bits,
  });
}
