/**
 * Parameter: a trainable leaf variable that may be stored in a number format.
 *
 * Without a format a parameter holds float32 values (an FP32 master copy; a layer can still
 * quantize it on the way forward with a quantizer, QAT style). With a format the parameter *is*
 * stored in that format (no master copy, as in RCT and Ortiz et al.): the initial value and every
 * value written with `assign` are rounded into the format, with the parameter's rounding mode.
 * Stochastic rounding draws from the parameter's own counter stream (seed, position), so update
 * t of element i uses a distinct counter, as quantization points do (docs/decisions/0006).
 */
import { ArgumentError, ShapeError, Tensor, formatShape, quantize } from '@lowbit/tensor';
import { ROUNDINGS, type ElementFormat, type Rounding, type TensorFormat } from '@lowbit/formats';
import { RandomStream, checkSeed, deriveSeed, hashLabel } from './random-stream.js';
import { Variable } from './variable.js';

export interface ParameterOptions {
  /** Name for messages, state dicts and statistics. */
  name?: string;
  /** The format the values are stored in; default none (float32). */
  format?: ElementFormat | TensorFormat;
  /** Rounding of every write into the format. Default 'nearest-even'. */
  rounding?: Rounding;
  /** Key of the stochastic-rounding stream. Default: from the name (0 without one). */
  seed?: number;
  /** Bits per stochastic rounding decision (1..32). Default 32. */
  randomBits?: number;
  /** Default true; false makes a frozen parameter. */
  requiresGrad?: boolean;
}

export interface AssignOptions {
  /** Overrides the parameter's rounding for this write (e.g. nearest for a reset). */
  rounding?: Rounding;
}

export interface SetFormatOptions {
  /** Rounding of the conversion and of every later write. Default: the parameter's current rounding. */
  rounding?: Rounding;
  /** A new key for the stochastic stream (its position restarts at 0). Default: keep the stream. */
  seed?: number;
  /** Bits per stochastic decision (1..32). Default: keep. */
  randomBits?: number;
}

export class Parameter extends Variable {
  /** Number of `assign` calls so far. */
  updates = 0;
  private storedFormat: ElementFormat | TensorFormat | undefined;
  private writeRounding: Rounding;
  private bitsPerDecision: number;
  private stream: RandomStream;

  constructor(value: Tensor, options: ParameterOptions = {}) {
    if (!(value instanceof Tensor) || value.dtype !== 'float32') {
      throw new ArgumentError('parameter', 'value', value instanceof Tensor ? `${value.dtype} tensor` : value, 'a float32 Tensor');
    }
    super(value, { requiresGrad: options.requiresGrad ?? true, name: options.name });
    const format = checkFormat('parameter', options.format);
    const rounding = checkRounding('parameter', options.rounding ?? 'nearest-even');
    const randomBits = checkRandomBits('parameter', options.randomBits ?? 32);
    const seed = checkSeed('parameter', 'seed', options.seed ?? (options.name === undefined ? 0 : hashLabel(options.name)));
    this.storedFormat = format;
    this.writeRounding = rounding;
    this.bitsPerDecision = randomBits;
    this.stream = new RandomStream(deriveSeed(seed, 'parameter'));
    if (format !== undefined) this.current = this.roundIntoFormat(value, rounding);
  }

  /** The format the values are stored in (undefined: float32, a master copy). */
  get format(): ElementFormat | TensorFormat | undefined {
    return this.storedFormat;
  }

  /** Rounding of every write into the format. */
  get rounding(): Rounding {
    return this.writeRounding;
  }

  /** Bits per stochastic rounding decision. */
  get randomBits(): number {
    return this.bitsPerDecision;
  }

  /**
   * Changes the storage format in place, for precision controllers (RCT adds or drops a bit of a
   * layer during training) and for converting a float32 model to stored weights after it was
   * built. The current value is rounded into the new format (with `rounding`, drawing from the
   * stream when stochastic: widening a fixed-point format by one fraction bit is exact, narrowing
   * it loses what the coarser step cannot hold); `undefined` makes it a float32 parameter again.
   * The gradient and `updates` are kept: this is not an update. Graphs built before still hold the
   * old value.
   */
  setFormat(format: ElementFormat | TensorFormat | undefined, options: SetFormatOptions = {}): void {
    if (options === null || typeof options !== 'object') throw new ArgumentError('setFormat', 'options', options, '{ rounding?, seed?, randomBits? }');
    const checked = checkFormat('setFormat', format);
    const rounding = checkRounding('setFormat', options.rounding ?? this.writeRounding);
    const randomBits = checkRandomBits('setFormat', options.randomBits ?? this.bitsPerDecision);
    const stream = options.seed === undefined ? this.stream : new RandomStream(deriveSeed(checkSeed('setFormat', 'seed', options.seed), 'parameter'));
    this.storedFormat = checked;
    this.writeRounding = rounding;
    this.bitsPerDecision = randomBits;
    this.stream = stream;
    if (checked !== undefined) this.current = this.roundIntoFormat(this.current, rounding);
  }

  /**
   * Replaces the value (optimizers call this). The shape must not change. With a format the new
   * value is rounded into it, so the parameter always holds representable values. The gradient is
   * kept; graphs built before still hold the old value.
   */
  assign(value: Tensor | Variable, options?: AssignOptions): void {
    const next = value instanceof Variable ? value.value : value;
    if (!(next instanceof Tensor) || next.dtype !== 'float32') {
      throw new ArgumentError('assign', 'value', next instanceof Tensor ? `${next.dtype} tensor` : next, 'a float32 Tensor or Variable');
    }
    if (next.shape.length !== this.shape.length || next.shape.some((d, i) => d !== this.shape[i])) {
      throw new ShapeError(
        `assign: parameter${this.name === undefined ? '' : ` ${JSON.stringify(this.name)}`} has shape ${formatShape(this.shape)} but the new value has ${formatShape(next.shape)}; a parameter keeps its shape`,
        [this.shape, next.shape],
      );
    }
    const rounding = checkRounding('assign', options?.rounding ?? this.writeRounding);
    this.current = this.storedFormat === undefined ? next : this.roundIntoFormat(next, rounding);
    this.updates++;
  }

  /** Bits this parameter takes in storage: size x format bits (shared scales included), or 32 each. */
  get storageBits(): number {
    const format = this.format;
    if (format === undefined) return 32 * this.size;
    if ('storageBits' in format && typeof format.storageBits === 'function') return (format.storageBits as (shape: readonly number[]) => number)(this.shape);
    return ('bitsPerValue' in format ? format.bitsPerValue : format.bits) * this.size;
  }

  /** The stochastic-rounding stream position (for checkpoints). */
  get streamPosition(): number {
    return this.stream.position;
  }
  set streamPosition(position: number) {
    this.stream.position = checkSeed('parameter', 'streamPosition', position);
  }

  private roundIntoFormat(value: Tensor, rounding: Rounding): Tensor {
    const offset = rounding === 'stochastic' ? this.stream.take(value.size) : 0;
    return quantize(value, this.storedFormat as ElementFormat | TensorFormat, { rounding, seed: this.stream.seed, offset, randomBits: this.bitsPerDecision });
  }
}

function checkFormat(op: string, format: unknown): ElementFormat | TensorFormat | undefined {
  if (format !== undefined && (format === null || typeof format !== 'object' || typeof (format as { quantize?: unknown }).quantize !== 'function')) {
    throw new ArgumentError(op, 'format', format, 'a format from @lowbit/formats (parseFormat(...), floatFormat(...), ...)');
  }
  return format as ElementFormat | TensorFormat | undefined;
}

function checkRounding(op: string, rounding: Rounding): Rounding {
  if (!ROUNDINGS.includes(rounding)) throw new ArgumentError(op, 'rounding', rounding, ROUNDINGS.join(', '));
  return rounding;
}

function checkRandomBits(op: string, randomBits: number): number {
  if (!Number.isInteger(randomBits) || randomBits < 1 || randomBits > 32) throw new ArgumentError(op, 'randomBits', randomBits, 'an integer 1..32');
  return randomBits;
}

/** A trainable leaf: `parameter(tensor, { name, format })`. See Parameter. */
export function parameter(value: Tensor, options?: ParameterOptions): Parameter {
  return new Parameter(value, options);
}
