/** How a value that lies between two representable values is rounded. */
export type Rounding =
  | 'nearest-even'
  | 'nearest-away'
  | 'toward-zero'
  | 'toward-positive'
  | 'toward-negative'
  | 'odd'
  | 'stochastic';

export const ROUNDINGS: readonly Rounding[] = [
  'nearest-even',
  'nearest-away',
  'toward-zero',
  'toward-positive',
  'toward-negative',
  'odd',
  'stochastic',
];

export interface QuantizeOptions {
  /** Default 'nearest-even'. */
  rounding?: Rounding;
  /** Stochastic rounding: key of the counter-based generator (non-negative safe integer). Default 0. */
  seed?: number;
  /** Stochastic rounding: counter of element 0; element i uses counter offset + i. Default 0. */
  offset?: number;
  /** Stochastic rounding: how many random bits decide each rounding (1..32). Default 32. */
  randomBits?: number;
  /** Write the result here (may be the input array itself) instead of a new array. */
  out?: Float32Array;
}

/** Special values of a float format; see docs/formats.md. */
export type FloatSpecials = 'ieee' | 'fn' | 'fnuz' | 'finite' | 'e8m0';
/** What a result that rounds beyond the largest finite value becomes. */
export type FloatOverflow = 'infinity' | 'nan' | 'saturate';

export interface FloatSpec {
  kind: 'float';
  exponentBits: number;
  mantissaBits: number;
  bias: number;
  subnormals: boolean;
  specials: FloatSpecials;
  overflow: FloatOverflow;
}

export interface FixedPointSpec {
  kind: 'fixed';
  wordBits: number;
  fractionBits: number;
  signed: boolean;
  overflow: 'saturate' | 'wrap';
}

export interface BinarySpec {
  kind: 'binary';
  scale: number;
}

/** The spec of a format whose every element is coded on its own. */
export type ElementSpec = FloatSpec | FixedPointSpec | BinarySpec;

/** Derived range of an element format. All values are float32-representable. */
export interface FormatRange {
  /** Largest finite value. */
  max: number;
  /** Smallest finite value (-max for symmetric formats, 0 for unsigned fixed point). */
  min: number;
  /** Smallest positive normal value (fixed point: the step). */
  smallestNormal: number;
  /** Smallest positive value (equals smallestNormal without subnormals). */
  smallestSubnormal: number;
  /** Spacing of values just above 1 relative to 1 (2^-mantissaBits); fixed point: the step. */
  epsilon: number;
}

export type CodeArray = Uint8Array | Uint16Array | Uint32Array;

/** A format whose every element is coded on its own in `bits` bits. */
export interface ElementFormat<S extends ElementSpec = ElementSpec> {
  readonly spec: Readonly<S>;
  /** Canonical name; `parseFormat(name)` gives this format back. */
  readonly name: string;
  /** Bits per code. */
  readonly bits: number;
  readonly range: Readonly<FormatRange>;
  /** Fake quantization: round every value into the format and return float32 values. */
  quantize(values: Float32Array, options?: QuantizeOptions): Float32Array;
  /** Round into the format and return the codes (the narrowest unsigned array that holds `bits`). */
  encode(values: Float32Array, options?: QuantizeOptions): CodeArray;
  /** Codes back to float32 values. */
  decode(codes: ArrayLike<number>): Float32Array;
}

export type FloatFormat = ElementFormat<FloatSpec>;
export type FixedPointFormat = ElementFormat<FixedPointSpec>;
export type BinaryFormat = ElementFormat<BinarySpec>;

/** Options of formats whose scale is shared by a whole tensor, a channel or a block. */
export interface TensorQuantizeOptions extends QuantizeOptions {
  /** Shape of the values (row-major). Default: one axis, [values.length]. */
  shape?: readonly number[];
  /**
   * Use these scales (one per group, in the order of `ScaledEncoding.scales`) instead of choosing
   * them from max |x|: a training loop can keep a running scale. Each must be storable in the
   * format's scale storage (a power of two 2^-127..2^127 for E8M0 scales) or NaN.
   */
  scales?: Float32Array;
}

/** Codes plus the shared scales they are relative to. */
export interface ScaledEncoding {
  /** One element code per value, in the element format's code array type. */
  codes: CodeArray;
  /** One scale per tensor, channel or block, in the order of the groups they scale. */
  scales: Float32Array;
  shape: number[];
}

/**
 * A format whose values share scales: per tensor, per channel or per block of k values along an
 * axis (OCP MX). The spec type is defined with its constructor (src/scaled, src/block).
 */
export interface TensorFormat<S extends { kind: string } = { kind: string }> {
  readonly spec: Readonly<S>;
  readonly name: string;
  /** The format of each scaled element. */
  readonly element: ElementFormat;
  /** Bits per element code. */
  readonly bits: number;
  /** Average storage bits per value, shared scales included (MXFP8: 8 + 8/32 = 8.25). */
  readonly bitsPerValue: number;
  quantize(values: Float32Array, options?: TensorQuantizeOptions): Float32Array;
  encode(values: Float32Array, options?: TensorQuantizeOptions): ScaledEncoding;
  decode(encoding: ScaledEncoding): Float32Array;
}

/** Any format of this package. */
export type NumberFormat = ElementFormat | TensorFormat;
