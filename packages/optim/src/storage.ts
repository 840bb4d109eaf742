/**
 * Optimizer state storage: each buffer (a momentum, Adam's moments, a master copy) is either a
 * Float32Array or the densely packed codes of an element format (`packCodes`), so a momentum in a
 * 7-bit float really occupies ceil(7 n / 8) bytes between steps (docs/decisions/0010).
 *
 * A buffer is read (decoded) at the start of an update and written (rounded, encoded, packed) at
 * its end. Every read sees the stored value, including the read that computes this step's weight
 * update: the state exists only in its format. Stochastic rounding draws from the buffer's own
 * counter stream (seed derived from the optimizer seed, the parameter name and the slot; offset
 * advanced by n per write), as @lowbit/autograd's streams do (decision 0006): reproducible and
 * independent of how the values are split.
 */
import { RandomStream, deriveSeed } from '@lowbit/autograd';
import { ArgumentError } from '@lowbit/tensor';
import { ROUNDINGS, packCodes, unpackCodes, type ElementFormat, type Rounding } from '@lowbit/formats';
import { OptimizerStateError, shown } from './errors.js';

/**
 * Where a state buffer lives: 'float32' (a Float32Array), an element format (nearest-even), or a
 * format with a rounding mode and, for stochastic rounding, the number of random bits.
 */
export type StorageOption = 'float32' | ElementFormat | { format: ElementFormat | 'float32'; rounding?: Rounding; randomBits?: number };

export interface ResolvedStorage {
  /** undefined: float32. */
  readonly format: ElementFormat | undefined;
  readonly rounding: Rounding;
  readonly randomBits: number;
  /** Bits per stored value. */
  readonly bits: number;
  /** 'float32' or the format's canonical name. */
  readonly name: string;
}

export const FLOAT32_STORAGE: ResolvedStorage = Object.freeze({ format: undefined, rounding: 'nearest-even', randomBits: 32, bits: 32, name: 'float32' });

/** True for an element format of @lowbit/formats (a tensor format has `element` and shared scales). */
export function isElementFormat(value: unknown): value is ElementFormat {
  const candidate = value as ElementFormat;
  return (
    candidate !== null &&
    typeof candidate === 'object' &&
    typeof candidate.encode === 'function' &&
    typeof candidate.decode === 'function' &&
    typeof candidate.bits === 'number' &&
    !('element' in candidate)
  );
}

export function resolveStorage(op: string, field: string, option: unknown): ResolvedStorage {
  if (option === undefined || option === 'float32') return FLOAT32_STORAGE;
  const record = option as { format?: unknown; rounding?: unknown; randomBits?: unknown };
  const isRecord = option !== null && typeof option === 'object' && 'format' in record;
  const format = isRecord ? record.format : option;
  if (format === 'float32' && isRecord && record.rounding === undefined) return FLOAT32_STORAGE;
  if (!isElementFormat(format)) {
    throw new ArgumentError(
      op,
      field,
      shown(format),
      "'float32', an element format from @lowbit/formats, or { format, rounding?, randomBits? }",
      'state is stored as packed codes of one element format; a tensor format (shared scales) is not supported here',
    );
  }
  const rounding = (isRecord ? record.rounding : undefined) ?? 'nearest-even';
  if (!ROUNDINGS.includes(rounding as Rounding)) throw new ArgumentError(op, `${field}.rounding`, rounding, ROUNDINGS.join(', '));
  const randomBits = (isRecord ? record.randomBits : undefined) ?? 32;
  if (typeof randomBits !== 'number' || !Number.isInteger(randomBits) || randomBits < 1 || randomBits > 32) {
    throw new ArgumentError(op, `${field}.randomBits`, randomBits, 'an integer 1..32');
  }
  return Object.freeze({ format, rounding: rounding as Rounding, randomBits, bits: format.bits, name: format.name });
}

/** What one write did to the stored values (Yayla & Chen's metric and its storage-only part). */
export interface WriteResult {
  /** The values as stored (decoded), which the rest of the step must use. */
  stored: Float32Array;
  /** U: values whose stored value equals the previous stored value (NaN counts as equal to NaN; -0 equals +0). */
  unchanged: number;
  /** The part of U whose float32 result differed from the previous value: lost only by rounding into the storage format (0 for float32). */
  unchangedByStorage: number;
}

/** Checkpoint of one buffer: its bytes, the stream position, whether it was written yet. */
export interface BufferState {
  storage: string;
  count: number;
  bytes: Uint8Array;
  streamPosition: number;
  initialized: boolean;
}

export class StateBuffer {
  /** False until the first write (SGD initializes its momentum with the first gradient). */
  initialized = false;
  private float32: Float32Array | undefined;
  /** float32 storage: the array the last write replaced, recycled by `writable`. */
  private spare: Float32Array | undefined;
  private packed: Uint8Array | undefined;
  private readonly stream: RandomStream;

  constructor(
    /** "<parameter>/<slot>": the key in statistics, memory reports and checkpoints. */
    readonly key: string,
    readonly count: number,
    readonly storage: ResolvedStorage,
    seed: number,
    initial?: Float32Array,
  ) {
    this.stream = new RandomStream(deriveSeed(seed, key));
    const values = initial ?? new Float32Array(count);
    if (storage.format === undefined) this.float32 = Float32Array.from(values);
    // The initial value is rounded like any write, but is not an update: it starts no stream.
    else this.packed = packCodes(storage.format.encode(values, { rounding: storage.rounding === 'stochastic' ? 'nearest-even' : storage.rounding }), storage.bits);
  }

  /** The stored values, decoded into a new Float32Array. */
  read(): Float32Array {
    if (this.float32 !== undefined) return this.float32.slice();
    return this.decoded();
  }

  /**
   * The stored values for an update rule that only reads them before calling `write`: a float32
   * buffer returns its own array (no copy; `write` replaces that array instead of overwriting it,
   * so the values stay valid as "previous"), a packed one decodes as `read` does.
   */
  peek(): Float32Array {
    return this.float32 ?? this.decoded();
  }

  /**
   * An array of `count` values for the rule to fill and hand to `write` (contents undefined). A
   * float32 buffer recycles the array its last write replaced, so a step allocates nothing.
   */
  writable(): Float32Array {
    const spare = this.spare;
    this.spare = undefined;
    return spare ?? new Float32Array(this.count);
  }

  private decoded(): Float32Array {
    const format = this.storage.format as ElementFormat;
    return format.decode(unpackCodes(this.packed as Uint8Array, this.storage.bits, this.count));
  }

  /**
   * Stores `values` (computed in float32), rounding them into the storage format, and counts the
   * values left unchanged against `previous` (the stored values read at the start of this step).
   * A float32 buffer keeps `values` itself as its storage (no copy): the caller hands the array
   * over and must not change it afterwards.
   */
  write(values: Float32Array, previous?: Float32Array): WriteResult {
    if (values.length !== this.count) throw new RangeError(`internal: ${this.key} holds ${this.count} values, got ${values.length}`);
    let stored: Float32Array;
    if (this.float32 !== undefined) {
      if (values !== this.float32) this.spare = this.float32;
      this.float32 = values;
      stored = values;
    } else {
      const format = this.storage.format as ElementFormat;
      const { rounding, randomBits } = this.storage;
      const offset = this.stream.take(this.count);
      const codes = format.encode(values, { rounding, randomBits, seed: this.stream.seed, offset });
      this.packed = packCodes(codes, this.storage.bits);
      stored = format.decode(codes);
    }
    this.initialized = true;
    let unchanged = 0;
    let unchangedByStorage = 0;
    if (previous !== undefined && stored === values) {
      // float32 storage keeps the computed value: nothing is lost to the storage itself.
      for (let i = 0; i < this.count; i++) {
        const before = previous[i];
        const after = stored[i];
        if (after === before || (after !== after && before !== before)) unchanged++;
      }
    } else if (previous !== undefined) {
      for (let i = 0; i < this.count; i++) {
        const before = previous[i];
        const after = stored[i];
        if (after === before || (after !== after && before !== before)) {
          unchanged++;
          const computed = values[i];
          if (!(computed === before || (computed !== computed && before !== before))) unchangedByStorage++;
        }
      }
    }
    return { stored, unchanged, unchangedByStorage };
  }

  /** Bytes of the buffer that holds the values: 4 n for float32, ceil(bits n / 8) for packed codes. */
  get bytes(): number {
    return this.float32 !== undefined ? this.float32.byteLength : (this.packed as Uint8Array).byteLength;
  }

  get streamPosition(): number {
    return this.stream.position;
  }

  state(): BufferState {
    const source = this.float32 !== undefined ? new Uint8Array(this.float32.buffer, this.float32.byteOffset, this.float32.byteLength) : (this.packed as Uint8Array);
    return { storage: this.storage.name, count: this.count, bytes: Uint8Array.from(source), streamPosition: this.stream.position, initialized: this.initialized };
  }

  /** Throws OptimizerStateError unless `state` is a checkpoint of a buffer like this one. */
  checkState(state: BufferState): void {
    if (state?.storage !== this.storage.name) throw new OptimizerStateError(`${this.key}.storage`, this.storage.name, state?.storage);
    if (state.count !== this.count) throw new OptimizerStateError(`${this.key}.count`, this.count, state.count);
    if (!(state.bytes instanceof Uint8Array) || state.bytes.length !== this.bytes) {
      throw new OptimizerStateError(`${this.key}.bytes`, `Uint8Array(${this.bytes})`, state.bytes);
    }
  }

  loadState(state: BufferState): void {
    this.checkState(state);
    const bytes = Uint8Array.from(state.bytes);
    if (this.float32 !== undefined) this.float32 = new Float32Array(bytes.buffer);
    else this.packed = bytes;
    this.stream.position = state.streamPosition;
    this.initialized = state.initialized;
  }
}
