/**
 * Validation of fixed point specs, their derived range and the constants the kernel needs.
 *
 * A fixed point value is an integer k times 2^-fractionBits, k a wordBits-bit two's complement
 * integer (signed) or a plain wordBits-bit integer (unsigned). Every value must be exactly a
 * float32, because quantize returns float32 and rounds only once:
 * - k needs at most 24 significant bits (float32's significand). Signed k lies in
 *   [-2^(W-1), 2^(W-1) - 1], so W <= 25; unsigned k lies in [0, 2^W - 1], so W <= 24. Any wider
 *   word holds an integer such as 2^24 + 1 that no float32 equals, whatever fractionBits is.
 * - the step 2^-F must be at least float32's smallest subnormal 2^-149: F <= 149;
 * - the largest magnitude, below 2^(W - F) with its top bit at 2^(W - 1 - F), must not exceed
 *   float32's top binade 2^127: F >= W - 128.
 */
import { FormatSpecError } from '../errors.js';
import type { FixedPointSpec, FormatRange } from '../types.js';

export interface FixedPointSpecInput {
  /** Bits per code, sign included: 1..25 signed, 1..24 unsigned. */
  wordBits: number;
  /** Values are integers times 2^-fractionBits; may be negative (steps coarser than 1) or exceed wordBits. */
  fractionBits: number;
  /** Two's complement (default true) or unsigned. */
  signed?: boolean;
  /** Integers beyond the word: 'saturate' (default) clamps, 'wrap' keeps the low wordBits bits. */
  overflow?: FixedPointSpec['overflow'];
}

const OVERFLOWS: readonly FixedPointSpec['overflow'][] = ['saturate', 'wrap'];

/** Widest word whose every integer is exactly a float32. */
export function maxWordBits(signed: boolean): number {
  return signed ? 25 : 24;
}

export function fractionBitsLimits(wordBits: number): [low: number, high: number] {
  return [wordBits - 128, 149];
}

/** Applies defaults and checks every field; the result is a complete, valid spec. */
export function normalizeFixedPointSpec(input: FixedPointSpecInput): FixedPointSpec {
  if (typeof input !== 'object' || input === null) {
    throw new FormatSpecError('spec', input, 'an object { wordBits, fractionBits, signed?, overflow? }');
  }
  const signed = input.signed ?? true;
  if (typeof signed !== 'boolean') throw new FormatSpecError('signed', signed, 'true or false');
  const overflow = input.overflow ?? 'saturate';
  if (!OVERFLOWS.includes(overflow)) throw new FormatSpecError('overflow', overflow, OVERFLOWS.join(', '));
  const wordBits = input.wordBits;
  const widest = maxWordBits(signed);
  if (typeof wordBits !== 'number' || !Number.isInteger(wordBits) || wordBits < 1 || wordBits > widest) {
    throw new FormatSpecError(
      'wordBits',
      wordBits,
      `an integer 1..${widest} for ${signed ? 'signed' : 'unsigned'} fixed point`,
      typeof wordBits === 'number' && Number.isInteger(wordBits) && wordBits > widest
        ? `wider words hold integers (such as 2^24 + 1) that are not exactly a float32 (24-bit significand)`
        : undefined,
    );
  }
  const fractionBits = input.fractionBits;
  const [low, high] = fractionBitsLimits(wordBits);
  if (typeof fractionBits !== 'number' || !Number.isInteger(fractionBits) || fractionBits < low || fractionBits > high) {
    throw new FormatSpecError(
      'fractionBits',
      fractionBits,
      `an integer ${low}..${high} for wordBits ${wordBits}`,
      'the step 2^-fractionBits must be at least float32\'s smallest subnormal 2^-149 and the largest magnitude at most float32\'s maximum',
    );
  }
  return { kind: 'fixed', wordBits, fractionBits, signed, overflow };
}

/** Smallest and largest integer of the word. */
export function integerLimits(spec: FixedPointSpec): [low: number, high: number] {
  return spec.signed ? [-(2 ** (spec.wordBits - 1)), 2 ** (spec.wordBits - 1) - 1] : [0, 2 ** spec.wordBits - 1];
}

export function fixedPointRange(spec: FixedPointSpec): FormatRange {
  const step = 2 ** -spec.fractionBits;
  const [low, high] = integerLimits(spec);
  return { max: high * step, min: low * step, smallestNormal: step, smallestSubnormal: step, epsilon: step };
}

/** Canonical name: [u]fixed_w<W>_f<F>[_wrap]. */
export function fixedPointFormatName(spec: FixedPointSpec): string {
  const prefix = spec.signed ? 'fixed' : 'ufixed';
  return `${prefix}_w${spec.wordBits}_f${spec.fractionBits}${spec.overflow === 'wrap' ? '_wrap' : ''}`;
}
