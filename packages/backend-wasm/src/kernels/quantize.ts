/**
 * quantize: float formats, saturating fixed point and binary run in wasm (assembly/quantize.ts,
 * assembly/fixed.ts, assembly/elementwise.ts); other formats (e8m0, wrapping fixed point, tensor
 * formats whose scales depend on the whole tensor) call the format itself on a copy, which is
 * bit-identical by definition.
 *
 * The float kernel needs formats' "plan" (packages/formats/src/float/plan.ts), which that package
 * does not export: it is recomputed here from the public spec and range, word for word, and the
 * exhaustive tests (quantize.test.ts) check the results against format.quantize. Likewise the
 * stream keys of the counter-based generator (formats' src/random.ts, checked against
 * randomUint32).
 */
import { fixedPointFormat, forEachRandomRun, type BinarySpec, type ElementFormat, type FixedPointSpec, type FloatSpec, type Rounding, type TensorFormat } from '@lowbit/formats';
import type { QuantizeAttributes } from '@lowbit/tensor';
import type { Runtime } from '../runtime.js';
import type { Storage, WasmTensor } from '../storage.js';
import type { ElementwiseKernels } from './elementwise.js';

const ROUNDING_CODE: Record<Rounding, number> = {
  'nearest-even': 0,
  'nearest-away': 1,
  'toward-zero': 2,
  'toward-positive': 3,
  'toward-negative': 4,
  odd: 5,
  stochastic: 6,
};

// Magnitude modes per sign (formats' MODE_BY_SIGN): nearest-even 0, away 1, down 2, up 3, odd 4, stochastic 5.
const MODES: Record<Rounding, [positive: number, negative: number]> = {
  'nearest-even': [0, 0],
  'nearest-away': [1, 1],
  'toward-zero': [2, 2],
  'toward-positive': [3, 2],
  'toward-negative': [2, 3],
  odd: [4, 4],
  stochastic: [5, 5],
};
const DOWN = 2;
const ODD = 4;
const INFINITY_BITS = 0x7f800000;
const NAN_BITS = 0x7fc00000;
const SIGN_BIT = 0x80000000;
/** Elements below which quantize stays on one thread. */
const ELEMENTS_PER_PART = 1 << 16;

const scratchFloat = new Float32Array(1);
const scratchBits = new Int32Array(scratchFloat.buffer);

function float32Bits(value: number): number {
  scratchFloat[0] = value;
  return scratchBits[0];
}

function pow2Bits(exponent: number): number {
  if (exponent >= -126) return (exponent + 127) << 23;
  if (exponent >= -149) return 1 << (exponent + 149);
  return 0;
}

/** The words of the float job from word 3 on (assembly/quantize.ts), for one format and rounding. */
export function floatPlanWords(spec: FloatSpec, max: number, rounding: Rounding, randomBits: number): number[] {
  const minExponent = spec.specials === 'e8m0' ? -spec.bias : 1 - spec.bias;
  const mantissaBits = spec.mantissaBits;
  const maxBits = float32Bits(max);
  const lowQuantum = spec.subnormals ? minExponent - mantissaBits : minExponent;
  const overflowValue = spec.overflow === 'nan' ? NAN_BITS : INFINITY_BITS;
  const overflowFor = (sign: number, mode: number) =>
    (spec.overflow === 'saturate' || mode === DOWN || mode === ODD ? maxBits : overflowValue) | sign;
  const infinityFor = (sign: number) =>
    spec.overflow === 'infinity' ? INFINITY_BITS | sign : spec.overflow === 'nan' ? NAN_BITS : maxBits | sign;
  const [positiveMode, negativeMode] = MODES[rounding];
  const maxExponent = Math.floor(Math.log2(max));
  // The fraction of a value below 2^lowQuantum in 0.32 fixed point: times 2^(32 - lowQuantum), in
  // two float32 factors that stay in range (only used when lowQuantum > -126).
  const tinyShift = 32 - Math.max(lowQuantum, -125);
  const tinyFirst = Math.trunc(tinyShift / 2);
  return [
    ROUNDING_CODE[rounding],
    positiveMode,
    negativeMode,
    23 - mantissaBits,
    minExponent + 127,
    lowQuantum + 150,
    maxBits,
    overflowFor(0, positiveMode),
    overflowFor(SIGN_BIT, negativeMode),
    infinityFor(0),
    infinityFor(SIGN_BIT),
    spec.specials !== 'fnuz' ? 1 : 0,
    pow2Bits(lowQuantum),
    pow2Bits(lowQuantum - 1),
    randomBits,
    0, // first (per run)
    0, // second (per run)
    0, // counter base (per run)
    // The SIMD path needs at least one bit to drop and a minimum exponent float32 can hold.
    mantissaBits >= 23 || minExponent < -126 ? 1 : 0,
    lowQuantum,
    minExponent,
    mantissaBits,
    Math.max(pow2Bits(minExponent), 0x00800000),
    float32Bits(2 ** tinyFirst),
    float32Bits(2 ** (tinyShift - tinyFirst)),
    spec.subnormals ? 1 : 0,
    ...splitPowerOfTwo(-lowQuantum),
    ...splitPowerOfTwo(lowQuantum),
    // Magic add: every C = 2^(spacing exponent + 23) finite up to the largest binade.
    maxExponent + 24 - mantissaBits <= 127 && mantissaBits <= 22 && minExponent >= -126 ? 1 : 0,
    maxExponent + 1 <= 127 ? pow2Bits(maxExponent + 1) : INFINITY_BITS,
  ];
}

const nanResults = new Map<Rounding, number>();

/**
 * What formats' fixed point JavaScript gives for a NaN input: a NaN whose sign and payload come
 * from the engine's float64 operations (V8 on x64: 0xffc00000 for most roundings, 0x7fc00000
 * where a sign is multiplied in). It does not depend on the input NaN or the format, so it is
 * asked once per rounding and the wasm kernel writes it for every NaN lane.
 */
function fixedNaNResult(rounding: Rounding): number {
  let bits = nanResults.get(rounding);
  if (bits === undefined) {
    const result = fixedPointFormat({ wordBits: 8, fractionBits: 0 }).quantize(Float32Array.of(NaN, NaN), { rounding });
    bits = new Int32Array(result.buffer)[0];
    nanResults.set(rounding, bits);
  }
  return bits;
}

/**
 * 2^exponent as the float32 bits of two factors whose product is exact and whose first partial
 * product stays normal (multiply by the first factor first).
 */
function splitPowerOfTwo(exponent: number): [first: number, second: number] {
  const first = exponent >= 0 ? Math.ceil(exponent / 2) : -Math.floor(-exponent / 2);
  return [float32Bits(2 ** first), float32Bits(2 ** (exponent - first))];
}

type AnyFormat = ElementFormat | TensorFormat;

function isTensorFormat(format: AnyFormat): format is TensorFormat {
  return 'element' in format;
}

export class QuantizeKernels {
  constructor(
    private readonly runtime: Runtime,
    private readonly storage: Storage,
    private readonly elementwise: ElementwiseKernels,
  ) {}

  quantize(x: WasmTensor, attributes: QuantizeAttributes): WasmTensor {
    const { format } = attributes;
    const spec = format.spec as { kind: string };
    if (!isTensorFormat(format)) {
      if (spec.kind === 'float' && (spec as FloatSpec).specials !== 'e8m0') return this.float(x, format, attributes);
      if (spec.kind === 'fixed' && (spec as FixedPointSpec).overflow === 'saturate') return this.fixed(x, spec as FixedPointSpec, attributes);
      // The rounding mode changes nothing for binary (formats still validates it, like the op did).
      if (spec.kind === 'binary') return this.elementwise.binarize(x, (spec as BinarySpec).scale);
    }
    return this.byFormat(x, attributes);
  }

  /** The format's own quantize on a copy (tensor formats also get the shape). */
  private byFormat(x: WasmTensor, { format, rounding, seed, offset, randomBits }: QuantizeAttributes): WasmTensor {
    const values = this.storage.download(x) as Float32Array;
    const options = { rounding, seed, offset, randomBits };
    const result = isTensorFormat(format) ? format.quantize(values, { ...options, shape: x.shape }) : format.quantize(values, options);
    return this.storage.upload(result, x.shape, 'float32');
  }

  private float(x: WasmTensor, format: ElementFormat, attributes: QuantizeAttributes): WasmTensor {
    const words = floatPlanWords(format.spec as FloatSpec, format.range.max, attributes.rounding, attributes.randomBits);
    return this.runs(x, attributes, 'quantizeFloatTask', (count, input, output, first, second, counterBase) => {
      words[18 - 3] = first;
      words[19 - 3] = second;
      words[20 - 3] = counterBase;
      this.runtime.writeJob([count, input, output, ...words]);
    });
  }

  private fixed(x: WasmTensor, spec: FixedPointSpec, attributes: QuantizeAttributes): WasmTensor {
    const low = spec.signed ? -(2 ** (spec.wordBits - 1)) : 0;
    const high = spec.signed ? 2 ** (spec.wordBits - 1) - 1 : 2 ** spec.wordBits - 1;
    const values = Float64Array.of(2 ** spec.fractionBits, 2 ** -spec.fractionBits, low, high);
    return this.runs(x, attributes, 'quantizeFixedTask', (count, input, output, first, second, counterBase) => {
      const { runtime } = this;
      runtime.writeJob([count, input, output, ROUNDING_CODE[attributes.rounding], attributes.randomBits, first, second, counterBase, fixedNaNResult(attributes.rounding)]);
      new Float64Array(runtime.heap.memory.buffer, runtime.job + 64, 4).set(values);
    });
  }

  /**
   * Runs the kernel once per run of counters that share a stream key (almost always one run: the
   * key changes only where offset + i crosses a multiple of 2^32), like formats' forEachRandomRun.
   */
  private runs(
    x: WasmTensor,
    { seed, offset }: QuantizeAttributes,
    task: 'quantizeFloatTask' | 'quantizeFixedTask',
    writeJob: (count: number, input: number, output: number, first: number, second: number, counterBase: number) => void,
  ): WasmTensor {
    const out = this.storage.allocate(x.shape);
    // Element i uses counter offset + i; a run shares one stream key (formats' walk of the counters).
    forEachRandomRun(seed, offset, x.handle.length, (start, end, first, second, low) => {
      const count = end - start;
      writeJob(count, x.handle.address + start * 4, out.handle.address + start * 4, first, second, low | 0);
      this.runtime.run(task, this.runtime.partsFor(count, ELEMENTS_PER_PART));
    });
    return out;
  }
}
