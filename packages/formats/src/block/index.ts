/**
 * Block-scaled formats: one shared scale per block of `blockSize` consecutive values along an axis
 * (OCP MX and its relatives). How scales are chosen: ../scaled/scale-rule.ts; exact value
 * semantics: ../scaled/tensor-format.ts. Scales are laid out as a tensor of the values' shape with
 * the axis replaced by its block count ceil(length / blockSize), row-major.
 *
 * Names: the MX preset name when the spec is exactly a preset (./mx-specs.ts), else
 *   block<k>_<element name>_<e8m0|pow2|real>[_axis<axis>][_margin<bits>]
 * with the axis when it is not -1 (the last) and the margin when it is not 0
 * ("block16_float8_e4m3fn_e8m0", "block32_float4_e2m1fn_pow2_axis0").
 */
import { FormatSpecError } from '../errors.js';
import type { ElementFormat } from '../types.js';
import { checkAxis, checkElement, checkMargin, checkScaleRule } from '../scaled/element.js';
import { marginSuffix } from '../scaled/index.js';
import { blockGrouping } from '../scaled/layout.js';
import type { ScaleRule } from '../scaled/scale-rule.js';
import { makeTensorFormat, scaleFormatFor, type ScaledTensorFormat } from '../scaled/tensor-format.js';
import { mxPresetName, type BlockSpec } from './mx-specs.js';

export { MX_FORMAT_NAMES, MX_SPECS, type BlockSpec, type MxFormatName } from './mx-specs.js';

export interface BlockFormatOptions {
  element: ElementFormat;
  /** Values per shared scale (MX: 32). */
  blockSize: number;
  /** 'e8m0': the OCP MX rule, E8M0 scales; 'power-of-two' and 'real' as in scaledFormat. */
  scale: ScaleRule;
  /** Axis along which blocks run. Default -1 (the last). */
  axis?: number;
  /** Headroom in bits: the chosen scale is multiplied by 2^margin. Default 0. */
  margin?: number;
}

export type BlockFormat = ScaledTensorFormat<BlockSpec>;

/** The scale part of block names. */
export const BLOCK_RULE_NAMES: Readonly<Record<ScaleRule, string>> = { e8m0: 'e8m0', 'power-of-two': 'pow2', real: 'real' };

const MAX_BLOCK_SIZE = 2 ** 31 - 1;

/** A block format; bitsPerValue = element bits + scale bits / blockSize (MXFP8: 8 + 8/32 = 8.25). */
export function blockFormat(options: BlockFormatOptions): BlockFormat {
  if (typeof options !== 'object' || options === null) {
    throw new FormatSpecError('options', options, 'an object { element, blockSize, scale, axis?, margin? }');
  }
  const element = checkElement(options.element);
  const blockSize = options.blockSize;
  if (typeof blockSize !== 'number' || !Number.isInteger(blockSize) || blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
    throw new FormatSpecError('blockSize', blockSize, `an integer 1..${MAX_BLOCK_SIZE}`, 'OCP MX uses 32');
  }
  const scale = checkScaleRule(options.scale);
  const axis = checkAxis(options.axis ?? -1);
  const margin = checkMargin(options.margin ?? 0);
  const spec: BlockSpec = { kind: 'block', element: element.spec, blockSize, axis, scale, margin };
  const name =
    mxPresetName(spec) ??
    `block${blockSize}_${element.name}_${BLOCK_RULE_NAMES[scale]}${axis === -1 ? '' : `_axis${axis}`}${marginSuffix(margin)}`;
  return makeTensorFormat({
    spec,
    name,
    element,
    rule: scale,
    margin,
    grouping: (shape) => blockGrouping(shape, axis, blockSize),
    bitsPerValue: element.bits + scaleFormatFor(scale).bits / blockSize,
  });
}
