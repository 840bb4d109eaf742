/**
 * The bytes of a checkpoint file.
 *
 * ```
 * offset  size  field
 *      0     8  magic "LOWBITCK"
 *      8     4  format version (uint32 LE)
 *     12     4  reserved, 0
 *     16     8  payload length in bytes (uint64 LE)
 *     24    32  SHA-256 of the payload
 *     56     n  payload: uint32 LE JSON length, UTF-8 JSON, zero padding to a multiple of 8,
 *               then the binary section (every typed array of the state, each 8-byte aligned)
 * ```
 *
 * The state is plain data (state dicts, optimizer checkpoints, controller states) holding typed
 * arrays. They travel as raw bytes, not as JSON numbers, so values come back bit for bit (NaN
 * payloads, -0, subnormals) and a ResNet checkpoint is not ten times its size. In the JSON a
 * typed array is `{ "$typed": "Float32Array", "offset", "length" }`, and a number JSON cannot
 * hold (NaN, ±Infinity, -0) is `{ "$number": "NaN" }`. Length and checksum make truncation and
 * corruption detectable before anything is parsed (see file.ts for the messages).
 */
import { createHash } from 'node:crypto';

export const MAGIC = 'LOWBITCK';
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 56;

const TYPED_ARRAYS = {
  Float32Array,
  Float64Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
} as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;
type TypedArray = InstanceType<(typeof TYPED_ARRAYS)[TypedArrayName]>;

function typedArrayName(value: unknown): TypedArrayName | undefined {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return undefined;
  for (const name of Object.keys(TYPED_ARRAYS) as TypedArrayName[]) if (value instanceof TYPED_ARRAYS[name]) return name;
  return undefined;
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

/** The payload bytes of a state (JSON with typed arrays moved to a binary section). */
export function encodePayload(state: unknown): Uint8Array {
  const blobs: { bytes: Uint8Array; offset: number }[] = [];
  let binaryLength = 0;
  const json = JSON.stringify(state, function replacer(this: unknown, key: string, value: unknown) {
    // JSON.stringify calls toJSON and the replacer with the value already converted; read the raw one.
    const raw = (this as Record<string, unknown>)[key];
    const name = typedArrayName(raw);
    if (name !== undefined) {
      const array = raw as TypedArray;
      const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      const offset = binaryLength;
      blobs.push({ bytes, offset });
      binaryLength = align8(offset + bytes.byteLength);
      return { $typed: name, offset, length: array.length };
    }
    if (typeof raw === 'number' && (!Number.isFinite(raw) || Object.is(raw, -0))) return { $number: Object.is(raw, -0) ? '-0' : String(raw) };
    if (typeof raw === 'bigint') throw new TypeError(`checkpoint state holds a bigint at ${JSON.stringify(key)}: store it as a number or string`);
    return value;
  });
  const text = new TextEncoder().encode(json ?? 'null');
  const binaryStart = align8(4 + text.byteLength);
  const payload = new Uint8Array(binaryStart + binaryLength);
  new DataView(payload.buffer).setUint32(0, text.byteLength, true);
  payload.set(text, 4);
  for (const { bytes, offset } of blobs) payload.set(bytes, binaryStart + offset);
  return payload;
}

/** Reads what encodePayload wrote; throws a plain Error describing the first inconsistency. */
export function decodePayload(payload: Uint8Array): unknown {
  if (payload.byteLength < 4) throw new Error(`the payload has ${payload.byteLength} bytes, fewer than its 4-byte JSON length`);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const jsonLength = view.getUint32(0, true);
  if (4 + jsonLength > payload.byteLength) throw new Error(`the JSON section claims ${jsonLength} bytes but the payload has ${payload.byteLength - 4} after the length`);
  const text = new TextDecoder('utf-8', { fatal: true }).decode(payload.subarray(4, 4 + jsonLength));
  const binaryStart = align8(4 + jsonLength);
  const binaryLength = payload.byteLength - binaryStart;
  return JSON.parse(text, (_key, value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const record = value as Record<string, unknown>;
    if (typeof record.$number === 'string' && Object.keys(record).length === 1) {
      const special: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };
      if (!(record.$number in special)) throw new Error(`unknown special number ${JSON.stringify(record.$number)}`);
      return special[record.$number];
    }
    if (typeof record.$typed === 'string' && Object.keys(record).length === 3) {
      const name = record.$typed as TypedArrayName;
      const constructor = TYPED_ARRAYS[name];
      const { offset, length } = record as { offset: unknown; length: unknown };
      if (constructor === undefined) throw new Error(`unknown typed array ${JSON.stringify(record.$typed)}`);
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || (offset as number) < 0 || (length as number) < 0) throw new Error(`bad typed array reference ${JSON.stringify(record)}`);
      const bytes = (length as number) * constructor.BYTES_PER_ELEMENT;
      if ((offset as number) + bytes > binaryLength) throw new Error(`a ${name} of ${length as number} values at offset ${offset as number} reaches past the binary section (${binaryLength} bytes)`);
      // Copy into a fresh, aligned buffer: the file buffer may be shared and unaligned.
      const copy = new Uint8Array(bytes);
      copy.set(payload.subarray(binaryStart + (offset as number), binaryStart + (offset as number) + bytes));
      return new constructor(copy.buffer);
    }
    return value;
  });
}

export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

export const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/** Header + payload: the whole file. */
export function encodeFile(state: unknown): Uint8Array {
  const payload = encodePayload(state);
  const file = new Uint8Array(HEADER_BYTES + payload.byteLength);
  const view = new DataView(file.buffer);
  file.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, 0, true);
  view.setBigUint64(16, BigInt(payload.byteLength), true);
  file.set(sha256(payload), 24);
  file.set(payload, HEADER_BYTES);
  return file;
}
