/**
 * Named formats that other systems and the reproduced papers use, each under its canonical name
 * (so `PRESETS[name].name === name` and `parseFormat(name)` gives the same format), with who uses
 * it for the table in docs/formats.md.
 */
import { MX_FORMATS } from './block/names.js';
import { fixedOrBinaryFromName } from './fixed/names.js';
import { floatFormat } from './float/index.js';
import type { FloatSpecInput } from './float/spec.js';
import type { ElementFormat, NumberFormat } from './types.js';

export interface PresetInfo {
  /** Which systems, hardware and papers use this format (ml_dtypes, OCP, PyTorch, JAX, GPUs, papers). */
  usedBy: string;
  /** What a reader should know: a caveat, or which choices are reconstructions. */
  note?: string;
}

interface PresetEntry extends PresetInfo {
  format: NumberFormat;
}

function mlDtypesFloat(spec: FloatSpecInput, info: PresetInfo): PresetEntry {
  return { format: floatFormat(spec), ...info };
}

function fixedOrBinary(name: string, info: PresetInfo): PresetEntry {
  const format: ElementFormat | undefined = fixedOrBinaryFromName(name);
  if (!format) throw new Error(`preset ${name}: not a fixed point or binary name`);
  return { format, ...info };
}

const PAPER_SPLITS = 'Pietrołaj & Blok (8-bit float splits, with a shifted bias: e.g. "e4m3_b11")';

const ENTRIES: readonly PresetEntry[] = [
  mlDtypesFloat({ exponentBits: 8, mantissaBits: 23 }, {
    usedBy: 'IEEE 754 binary32: NumPy, PyTorch torch.float32, JAX; the FP32 baseline of every paper',
  }),
  mlDtypesFloat({ exponentBits: 8, mantissaBits: 7 }, {
    usedBy: 'ml_dtypes, PyTorch torch.bfloat16, JAX; Google TPU, NVIDIA Ampere and later, AMD CDNA, Intel AMX',
  }),
  mlDtypesFloat({ exponentBits: 5, mantissaBits: 10 }, {
    usedBy: 'IEEE 754 binary16: NumPy, PyTorch torch.float16, JAX; NVIDIA/AMD GPUs; Ortiz et al. (fp16, stochastic rounding)',
  }),
  mlDtypesFloat({ exponentBits: 4, mantissaBits: 3, specials: 'fn' }, {
    usedBy: 'OCP FP8 E4M3; ml_dtypes, PyTorch torch.float8_e4m3fn, JAX; NVIDIA Hopper/Ada/Blackwell, AMD MI350',
    note: 'max 448; casts overflow to NaN by default, use "float8_e4m3fn_saturate" to clamp',
  }),
  mlDtypesFloat({ exponentBits: 5, mantissaBits: 2 }, {
    usedBy: `OCP FP8 E5M2; ml_dtypes, PyTorch torch.float8_e5m2, JAX; NVIDIA Hopper/Ada/Blackwell, AMD MI350; ${PAPER_SPLITS}`,
  }),
  mlDtypesFloat({ exponentBits: 4, mantissaBits: 3, bias: 8, specials: 'fnuz' }, {
    usedBy: 'ml_dtypes, PyTorch torch.float8_e4m3fnuz, JAX; AMD MI300 (CDNA3), the Graphcore/AMD FP8 proposal',
  }),
  mlDtypesFloat({ exponentBits: 5, mantissaBits: 2, bias: 16, specials: 'fnuz' }, {
    usedBy: 'ml_dtypes, PyTorch torch.float8_e5m2fnuz, JAX; AMD MI300 (CDNA3), the Graphcore/AMD FP8 proposal',
  }),
  mlDtypesFloat({ exponentBits: 4, mantissaBits: 3, bias: 11, specials: 'fnuz' }, {
    usedBy: "ml_dtypes, JAX; extended range E4M3 with bias 11, as in the forward pass of IBM's HFP8",
  }),
  mlDtypesFloat({ exponentBits: 4, mantissaBits: 3 }, {
    usedBy: `ml_dtypes, JAX (IEEE-style E4M3 with Inf and NaN, max 240); ${PAPER_SPLITS}`,
  }),
  mlDtypesFloat({ exponentBits: 3, mantissaBits: 4 }, {
    usedBy: `ml_dtypes, JAX (IEEE-style E3M4); ${PAPER_SPLITS}`,
  }),
  mlDtypesFloat({ exponentBits: 8, mantissaBits: 0, specials: 'e8m0' }, {
    usedBy: 'OCP MX scale E8M0; ml_dtypes, PyTorch torch.float8_e8m0fnu, JAX; MX hardware (NVIDIA Blackwell, AMD MI350)',
    note: 'unsigned, no zero: 2^(code - 127), 0xff is NaN (docs/decisions/0003)',
  }),
  mlDtypesFloat({ exponentBits: 3, mantissaBits: 2, specials: 'finite' }, {
    usedBy: 'OCP MX FP6 E3M2 (MXFP6 element); ml_dtypes, JAX; NVIDIA Blackwell, AMD MI350',
  }),
  mlDtypesFloat({ exponentBits: 2, mantissaBits: 3, specials: 'finite' }, {
    usedBy: 'OCP MX FP6 E2M3 (MXFP6 element); ml_dtypes, JAX; NVIDIA Blackwell, AMD MI350',
  }),
  mlDtypesFloat({ exponentBits: 2, mantissaBits: 1, specials: 'finite' }, {
    usedBy: 'OCP MX FP4 E2M1 (MXFP4 and NVFP4 element); ml_dtypes, PyTorch torch.float4_e2m1fn_x2, JAX; NVIDIA Blackwell, AMD MI350',
  }),
  mlDtypesFloat({ exponentBits: 6, mantissaBits: 5 }, {
    usedBy: 'Ortiz et al. (12-bit float)',
    note: 'IEEE-style specials and the default bias 31 are a reconstruction (not published in the abstract)',
  }),
  mlDtypesFloat({ exponentBits: 5, mantissaBits: 6 }, {
    usedBy: 'Ortiz et al. (12-bit float)',
    note: 'IEEE-style specials and the default bias 15 are a reconstruction (not published in the abstract)',
  }),
  // The 7-bit power of two: 'finite' so that all 128 codes are numbers (±2^(e-31) for e = 1..63
  // and ±0) instead of spending the top exponent on Inf, which ieee with mantissa 0 would do
  // without gaining a NaN; overflow saturates (the 'finite' default), so a large gradient
  // becomes ±2^32 rather than a non-number that would end training. NaN inputs stay NaN.
  mlDtypesFloat({ exponentBits: 6, mantissaBits: 0, specials: 'finite' }, {
    usedBy: 'Ortiz et al. (7-bit power of two for outputs and gradients: sign + 6 exponent bits)',
    note: "values ±2^k (k = -30..32) and ±0; 'finite' and saturating overflow are a reconstruction",
  }),
  fixedOrBinary('fixed_w16_f14', {
    usedBy: 'Ortiz et al. (16-bit fixed point <2,14>, stochastic rounding, MNIST MLP)',
    note: 'Ortiz et al. write fixed point as (I, F): I integer bits including the sign, F fraction bits; wordBits = I + F',
  }),
  fixedOrBinary('fixed_w16_f8', {
    usedBy: 'Ortiz et al. (fixed point <8,8>, nearest and stochastic rounding, MNIST MLP)',
  }),
  fixedOrBinary('fixed_w12_f8', {
    usedBy: 'Ortiz et al. (12-bit fixed point, stochastic rounding, CIFAR-10 CNN)',
    note: 'the 4 integer + 8 fraction bit split is a reconstruction (not published in the abstract)',
  }),
  fixedOrBinary('binary', {
    usedBy: 'binarized networks: Yayla & Chen (BNNs trained with Bop), Larq; sign(0) = +1',
  }),
  ...mxEntries(),
];

function mxEntries(): PresetEntry[] {
  return Object.values(MX_FORMATS).map((format) => ({
    format,
    usedBy: `OCP Microscaling (MX) v1.0: ${format.element.name} elements sharing an E8M0 scale per block of 32; NVIDIA Blackwell, AMD MI350`,
  }));
}

/** Every preset by its canonical name, in table order (IEEE/ml_dtypes floats, paper formats, MX). */
export const PRESETS: Readonly<Record<string, NumberFormat>> = Object.freeze(
  Object.fromEntries(ENTRIES.map((entry) => [entry.format.name, entry.format])),
);

/** Who uses each preset, for docs/formats.md and the demo table. */
export const PRESET_INFO: Readonly<Record<string, Readonly<PresetInfo>>> = Object.freeze(
  Object.fromEntries(
    ENTRIES.map(({ format, usedBy, note }) => [format.name, Object.freeze(note === undefined ? { usedBy } : { usedBy, note })]),
  ),
);
