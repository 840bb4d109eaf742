/** Checks shared by the constructors of scaled and block formats. */
import { FormatSpecError } from '../errors.js';
import type { ElementFormat } from '../types.js';
import { SCALE_RULES, type ScaleRule } from './scale-rule.js';

const ELEMENT_KINDS = ['float', 'fixed', 'binary'];

/** The element must be an element format of this package whose range contains 0. */
export function checkElement(element: unknown): ElementFormat {
  const candidate = element as Partial<ElementFormat> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.quantize !== 'function' ||
    typeof candidate.encode !== 'function' ||
    typeof candidate.decode !== 'function' ||
    typeof candidate.spec !== 'object' ||
    !ELEMENT_KINDS.includes(candidate.spec?.kind as string) ||
    typeof candidate.range?.max !== 'number'
  ) {
    throw new FormatSpecError(
      'element',
      typeof candidate === 'object' && candidate !== null ? (candidate.name ?? candidate.spec ?? candidate) : candidate,
      'an element format (floatFormat, fixedPointFormat or binaryFormat)',
      'pass the format object, for example floatFormat({ exponentBits: 4, mantissaBits: 3, specials: "fn" })',
    );
  }
  const format = candidate as ElementFormat;
  if (format.spec.kind === 'float' && format.spec.specials === 'e8m0') {
    throw new FormatSpecError('element', format.name, 'an element format with a zero', 'e8m0 has no zero, so a scaled 0 could not be stored');
  }
  return format;
}

export function checkScaleRule(scale: unknown): ScaleRule {
  if (!SCALE_RULES.includes(scale as ScaleRule)) {
    throw new FormatSpecError('scale', scale, SCALE_RULES.map((rule) => `'${rule}'`).join(', '));
  }
  return scale as ScaleRule;
}

/** A margin in bits: the chosen scale is multiplied by 2^margin. */
export function checkMargin(margin: unknown): number {
  if (typeof margin !== 'number' || !Number.isInteger(margin) || margin < -254 || margin > 254) {
    throw new FormatSpecError('margin', margin, 'an integer -254..254 (bits: the scale is multiplied by 2^margin)');
  }
  return margin;
}

export function checkAxis(axis: unknown): number {
  if (typeof axis !== 'number' || !Number.isSafeInteger(axis)) {
    throw new FormatSpecError('axis', axis, 'an integer (negative counts from the last axis: -1 is the last)');
  }
  return axis;
}
