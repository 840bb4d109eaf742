/**
 * Names of fixed point and binary formats:
 *   fixed_w<W>_f<F>[_wrap]    signed, e.g. fixed_w12_f8, fixed_w8_f-2
 *   ufixed_w<W>_f<F>[_wrap]   unsigned, e.g. ufixed_w8_f8_wrap
 *   binary | binary_s<scale>  e.g. binary_s0.5
 * The canonical name (format.name) never carries `_saturate`, the default; parsing accepts it.
 */
import { binaryFormat, type BinarySpecInput } from '../binary/index.js';
import type { BinaryFormat, FixedPointFormat } from '../types.js';
import { fixedPointFormat } from './index.js';

/** Integers without leading zeros or a negative zero, so a name has one spelling. */
const INTEGER = '(0|[1-9][0-9]*)';
const SIGNED_INTEGER = '(0|-?[1-9][0-9]*)';
const FIXED = new RegExp(`^(u?)fixed_w${INTEGER}_f${SIGNED_INTEGER}(?:_(wrap|saturate))?$`);
/** A plain decimal as String(number) writes it (digits, optional fraction, optional exponent). */
const BINARY = /^binary(?:_s([0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?))?$/;

/**
 * The fixed point or binary format a name stands for, or undefined when the name is neither. A
 * name of the right shape with impossible fields (fixed_w40_f0, binary_s0.1: not a float32)
 * throws FormatSpecError, which says what is allowed.
 */
export function fixedOrBinaryFromName(name: string): FixedPointFormat | BinaryFormat | undefined {
  if (typeof name !== 'string') return undefined;
  const fixed = FIXED.exec(name);
  if (fixed) {
    return fixedPointFormat({
      wordBits: Number(fixed[2]),
      fractionBits: Number(fixed[3]),
      signed: fixed[1] === '',
      overflow: fixed[4] === 'wrap' ? 'wrap' : 'saturate',
    });
  }
  const binary = BINARY.exec(name);
  if (binary) {
    const input: BinarySpecInput = binary[1] === undefined ? {} : { scale: Number(binary[1]) };
    return binaryFormat(input);
  }
  return undefined;
}
