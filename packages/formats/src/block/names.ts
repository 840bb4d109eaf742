/**
 * Scaled and block format names and specs back to formats. Name grammar (canonical names are what
 * `format.name` gives; see ../scaled/index.ts and ./index.ts):
 *   mxfp8_e4m3 | mxfp8_e5m2 | mxfp6_e3m2 | mxfp6_e2m3 | mxfp4_e2m1 | mxint8
 *   scaled_<element>_tensor|channel<axis>[_real|_e8m0][_margin<bits>]
 *   block<k>_<element>_e8m0|pow2|real[_axis<axis>][_margin<bits>]
 * The element name is parsed by the caller's element parser (src/parse.ts passes its own), which
 * keeps this module free of an import cycle with the parser.
 */
import { FormatSpecError, UnknownFormatError } from '../errors.js';
import { formatFromSpec } from '../from-spec.js';
import { scaledFormat, type ScaledFormat, type ScaledSpec } from '../scaled/index.js';
import type { ScaleRule } from '../scaled/scale-rule.js';
import type { ElementFormat, ElementSpec } from '../types.js';
import { BLOCK_RULE_NAMES, blockFormat, type BlockFormat } from './index.js';
import { MX_FORMATS, isMxFormatName } from './mx.js';
import type { BlockSpec } from './mx-specs.js';

export { MX_FORMATS, mxFormat } from './mx.js';

const INTEGER = '(0|-?[1-9][0-9]*)';
const SCALED = new RegExp(`^scaled_(.+)_(?:tensor|channel${INTEGER})(?:_(real|e8m0))?(?:_margin${INTEGER})?$`);
const BLOCK = new RegExp(`^block([1-9][0-9]*)_(.+)_(e8m0|pow2|real)(?:_axis${INTEGER})?(?:_margin${INTEGER})?$`);
const RULE_BY_NAME: Readonly<Record<string, ScaleRule>> = Object.fromEntries(
  Object.entries(BLOCK_RULE_NAMES).map(([rule, name]) => [name, rule as ScaleRule]),
);

function element(formatName: string, elementName: string, parseElement: (name: string) => ElementFormat): ElementFormat {
  try {
    return parseElement(elementName);
  } catch (error) {
    if (error instanceof UnknownFormatError) {
      throw new UnknownFormatError(formatName, `Its element ${JSON.stringify(elementName)} is not an element format name (${error.message})`);
    }
    throw error;
  }
}

/**
 * The scaled or block format a name stands for, or undefined when the name has neither shape.
 * A name of the right shape whose element is unknown throws UnknownFormatError; impossible fields
 * (block0_...) throw FormatSpecError.
 */
export function tensorFormatFromName(
  name: string,
  parseElement: (name: string) => ElementFormat,
): ScaledFormat | BlockFormat | undefined {
  if (typeof name !== 'string') return undefined;
  if (isMxFormatName(name)) return MX_FORMATS[name];
  const scaled = SCALED.exec(name);
  if (scaled) {
    const [, elementName, axis, rule, margin] = scaled;
    return scaledFormat({
      element: element(name, elementName, parseElement),
      granularity: axis === undefined ? 'tensor' : 'channel',
      ...(axis === undefined ? {} : { axis: Number(axis) }),
      scale: rule === undefined ? 'power-of-two' : (rule as ScaleRule),
      margin: margin === undefined ? 0 : Number(margin),
    });
  }
  const block = BLOCK.exec(name);
  if (block) {
    const [, blockSize, elementName, rule, axis, margin] = block;
    return blockFormat({
      element: element(name, elementName, parseElement),
      blockSize: Number(blockSize),
      scale: RULE_BY_NAME[rule],
      axis: axis === undefined ? -1 : Number(axis),
      margin: margin === undefined ? 0 : Number(margin),
    });
  }
  return undefined;
}

/** The scaled or block format of a plain-data spec (as stored in JSON results and checkpoints). */
export function tensorFormatFromSpec(
  spec: ScaledSpec | BlockSpec,
  elementFromSpec: (spec: ElementSpec) => ElementFormat = formatFromSpec,
): ScaledFormat | BlockFormat {
  switch (spec?.kind) {
    case 'scaled':
      return scaledFormat({
        element: elementFromSpec(spec.element),
        granularity: spec.granularity,
        ...(spec.axis === undefined ? {} : { axis: spec.axis }),
        scale: spec.scale,
        margin: spec.margin,
      });
    case 'block':
      return blockFormat({
        element: elementFromSpec(spec.element),
        blockSize: spec.blockSize,
        scale: spec.scale,
        axis: spec.axis,
        margin: spec.margin,
      });
    default:
      throw new FormatSpecError('kind', (spec as { kind?: unknown } | undefined)?.kind, "'scaled' or 'block'");
  }
}
