/**
 * The concrete MX formats of the OCP Microscaling Formats (MX) Specification v1.0, as plain specs:
 * k = 32 values along the last axis share one E8M0 scale chosen by the MX rule
 * (2^(floor(log2 amax) - emax of the element)), elements converted with saturation.
 *
 * Elements (ml_dtypes names): MXFP8 float8_e4m3fn / float8_e5m2, MXFP6 float6_e3m2fn /
 * float6_e2m3fn, MXFP4 float4_e2m1fn, MXINT8 8-bit two's complement with an implicit scale 2^-6
 * (fixed point wordBits 8, fractionBits 6: -2 .. 1.984375, emax 0). The float8 elements carry
 * overflow 'saturate' because the spec converts with saturation; the FP6/FP4 types saturate anyway.
 */
import type { ElementSpec, FloatSpec } from '../types.js';
import type { ScaleRule } from '../scaled/scale-rule.js';

/** Plain-data description of a block format (JSON-safe). */
export interface BlockSpec {
  kind: 'block';
  element: ElementSpec;
  /** Values per shared scale (the last block of a line may be shorter). */
  blockSize: number;
  /** Axis along which blocks run; negative counts from the end (-1 = last, the default). */
  axis: number;
  scale: ScaleRule;
  /** The chosen scale is multiplied by 2^margin. */
  margin: number;
}

export const MX_FORMAT_NAMES = ['mxfp8_e4m3', 'mxfp8_e5m2', 'mxfp6_e3m2', 'mxfp6_e2m3', 'mxfp4_e2m1', 'mxint8'] as const;
export type MxFormatName = (typeof MX_FORMAT_NAMES)[number];

function float(exponentBits: number, mantissaBits: number, specials: FloatSpec['specials']): FloatSpec {
  return { kind: 'float', exponentBits, mantissaBits, bias: 2 ** (exponentBits - 1) - 1, subnormals: true, specials, overflow: 'saturate' };
}

function mx(element: ElementSpec): BlockSpec {
  return { kind: 'block', element, blockSize: 32, axis: -1, scale: 'e8m0', margin: 0 };
}

export const MX_SPECS: Readonly<Record<MxFormatName, BlockSpec>> = {
  mxfp8_e4m3: mx(float(4, 3, 'fn')),
  mxfp8_e5m2: mx(float(5, 2, 'ieee')),
  mxfp6_e3m2: mx(float(3, 2, 'finite')),
  mxfp6_e2m3: mx(float(2, 3, 'finite')),
  mxfp4_e2m1: mx(float(2, 1, 'finite')),
  mxint8: mx({ kind: 'fixed', wordBits: 8, fractionBits: 6, signed: true, overflow: 'saturate' }),
};

function sameData(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  return (
    aKeys.length === bKeys.length &&
    aKeys.every((key) => sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  );
}

/** The MX preset name of a block spec, or undefined when it is not exactly a preset. */
export function mxPresetName(spec: BlockSpec): MxFormatName | undefined {
  return MX_FORMAT_NAMES.find((name) => sameData(MX_SPECS[name], spec));
}
