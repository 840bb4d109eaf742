/**
 * Dense bit packing of format codes.
 *
 * Layout (little-endian bit order): code i occupies bits [i·bits, (i+1)·bits) of the byte stream,
 * where bit k of the stream is bit (k mod 8) of byte floor(k / 8), least significant bit first.
 * So code 0 starts at the lowest bit of byte 0, a code may straddle bytes, and n codes take exactly
 * ceil(bits·n / 8) bytes; the unused high bits of the last byte are zero. This is the order of
 * little-endian integer loads, so packing and unpacking move whole 32-bit words and keep a small
 * bit accumulator instead of touching one bit at a time (docs/formats.md, "Bit packing").
 */
import { PackingError } from './errors.js';
import type { CodeArray } from './types.js';

/** Bytes taken by `count` codes of `bits` bits. */
export function packedByteLength(bits: number, count: number): number {
  checkBits(bits);
  checkCount(count);
  return Math.ceil((bits * count) / 8);
}

/**
 * Packs `codes` (integers 0 .. 2^bits - 1) densely, `bits` bits each, in the layout above.
 * Throws PackingError naming the first code that does not fit and its index.
 */
export function packCodes(codes: ArrayLike<number>, bits: number): Uint8Array {
  checkBits(bits);
  if (codes === null || typeof codes !== 'object' || typeof codes.length !== 'number') {
    throw new PackingError('codes', codes, 'an array or typed array of integer codes');
  }
  const count = codes.length;
  const packed = new Uint8Array(Math.ceil((bits * count) / 8));
  // Codes already stored at their exact width are the packed stream (on little-endian hosts).
  if ((bits === 8 && codes instanceof Uint8Array) || (littleEndian && ((bits === 16 && codes instanceof Uint16Array) || (bits === 32 && codes instanceof Uint32Array)))) {
    const typed = codes as CodeArray;
    packed.set(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength));
    return packed;
  }
  const words = wordView(packed);
  // The fit check is one integer operation: for bits < 32, (code & mask) === code holds exactly for
  // integers 0..mask (it rejects negatives, fractions, NaN and larger values).
  const mask = bits === 32 ? -1 : (1 << bits) - 1;
  let accumulator = 0;
  let filled = 0;
  let wordIndex = 0;
  for (let i = 0; i < count; i++) {
    const code = codes[i];
    if ((bits === 32 ? code >>> 0 : code & mask) !== code) throw badCode(code, i, bits);
    accumulator |= code << filled;
    filled += bits;
    if (filled >= 32) {
      if (words) words[wordIndex] = accumulator;
      else writeWordLittleEndian(packed, wordIndex, accumulator);
      wordIndex++;
      filled -= 32;
      // The high `filled` bits of the code did not fit in the word just written.
      accumulator = filled === 0 ? 0 : code >>> (bits - filled);
    }
  }
  // The last partial word: at most 3 bytes remain after the whole words.
  for (let byte = wordIndex * 4, shift = 0; byte < packed.length; byte++, shift += 8) {
    packed[byte] = accumulator >>> shift;
  }
  return packed;
}

/**
 * Reads `count` codes of `bits` bits from `packed` (layout above). The result is the narrowest
 * unsigned array that holds `bits` bits (Uint8Array up to 8, Uint16Array up to 16, else
 * Uint32Array), or `out` when given (it must hold `count` codes of `bits` bits). Bytes after the
 * last code are ignored, so a prefix of a longer stream can be read.
 */
export function unpackCodes(packed: Uint8Array, bits: number, count: number, out?: CodeArray): CodeArray {
  checkBits(bits);
  checkCount(count);
  if (!(packed instanceof Uint8Array)) {
    throw new PackingError('packed', Object.prototype.toString.call(packed), 'a Uint8Array');
  }
  const needed = Math.ceil((bits * count) / 8);
  if (packed.length < needed) {
    throw new PackingError('packed.length', packed.length, `at least ${needed} bytes for ${count} codes of ${bits} bits`);
  }
  const codes = out ?? codeArrayFor(bits, count);
  checkOut(codes, bits, count);
  // Whole words are read through an aligned view; a misaligned input is copied once.
  const source = packed.byteOffset % 4 === 0 ? packed.subarray(0, needed) : packed.slice(0, needed);
  if (bits === 8) {
    codes.set(source);
    return codes;
  }
  if (littleEndian && bits === 16) {
    codes.set(new Uint16Array(source.buffer, source.byteOffset, count));
    return codes;
  }
  if (littleEndian && bits === 32) {
    codes.set(new Uint32Array(source.buffer, source.byteOffset, count));
    return codes;
  }
  const words = wordView(source);
  const wordCount = needed >>> 2;
  let tail = 0;
  for (let byte = wordCount * 4, shift = 0; byte < needed; byte++, shift += 8) tail |= source[byte] << shift;
  const mask = bits === 32 ? -1 : (1 << bits) - 1;
  let accumulator = 0;
  let available = 0;
  let wordIndex = 0;
  for (let i = 0; i < count; i++) {
    if (available >= bits) {
      // Here bits < 32, because available < 32.
      codes[i] = accumulator & mask;
      accumulator >>>= bits;
      available -= bits;
    } else {
      const word = wordIndex < wordCount ? (words ? words[wordIndex] : readWordLittleEndian(source, wordIndex)) : tail;
      wordIndex++;
      codes[i] = (accumulator | (word << available)) & mask;
      const used = bits - available;
      accumulator = used === 32 ? 0 : word >>> used;
      available = 32 - used;
    }
  }
  return codes;
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A Uint32Array over the whole words of `bytes`, or undefined on big-endian hosts or misalignment. */
function wordView(bytes: Uint8Array): Uint32Array | undefined {
  if (!littleEndian || bytes.byteOffset % 4 !== 0) return undefined;
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
}

function writeWordLittleEndian(bytes: Uint8Array, wordIndex: number, word: number): void {
  const at = wordIndex * 4;
  bytes[at] = word;
  bytes[at + 1] = word >>> 8;
  bytes[at + 2] = word >>> 16;
  bytes[at + 3] = word >>> 24;
}

function readWordLittleEndian(bytes: Uint8Array, wordIndex: number): number {
  const at = wordIndex * 4;
  return bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
}

function codeArrayFor(bits: number, count: number): CodeArray {
  if (bits <= 8) return new Uint8Array(count);
  if (bits <= 16) return new Uint16Array(count);
  return new Uint32Array(count);
}

function checkBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 1 || bits > 32) throw new PackingError('bits', bits, 'an integer 1..32');
}

function checkCount(count: number): void {
  if (!Number.isSafeInteger(count) || count < 0) throw new PackingError('count', count, 'a non-negative integer');
}

function checkOut(out: CodeArray, bits: number, count: number): void {
  const elementBits = out instanceof Uint8Array ? 8 : out instanceof Uint16Array ? 16 : out instanceof Uint32Array ? 32 : 0;
  if (elementBits === 0) {
    throw new PackingError('out', Object.prototype.toString.call(out), 'a Uint8Array, Uint16Array or Uint32Array');
  }
  if (elementBits < bits) {
    throw new PackingError('out', `${out.constructor.name}(${out.length})`, `an array whose elements hold ${bits}-bit codes`);
  }
  if (out.length < count) {
    throw new PackingError('out.length', out.length, `at least count = ${count}`);
  }
}

function badCode(code: number, index: number, bits: number): PackingError {
  return new PackingError('code', code, `integers 0..${2 ** bits - 1} for ${bits}-bit codes`, index);
}
