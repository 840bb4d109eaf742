/**
 * The IDX file format of MNIST (http://yann.lecun.com/exdb/mnist/), also used by Fashion-MNIST's
 * official files:
 *
 *   bytes 0-1  0x00 0x00
 *   byte 2     element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
 *   byte 3     number of dimensions d
 *   then d big-endian uint32 sizes, then the elements, big-endian, row-major.
 *
 * So the magic number (bytes 0-3 read big-endian) is 0x00000801 for a label file (uint8, one
 * dimension) and 0x00000803 for an image file (uint8, three dimensions). A file must be exactly
 * header + product(sizes) * element size bytes long: anything shorter is truncated, anything
 * longer is corrupted (two files concatenated, a partial download appended to an old one).
 */
import { DatasetFileError, hex32 } from './errors.js';

export type IdxElementType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxFile {
  type: IdxElementType;
  /** The sizes from the header, e.g. [60000, 28, 28]. */
  dimensions: number[];
  /** The elements, row-major. For uint8 a view of the input bytes (no copy). */
  data: IdxData;
  /** The magic number: 0x00000801 for MNIST labels, 0x00000803 for MNIST images. */
  magic: number;
}

const ELEMENT_TYPES: Record<number, { type: IdxElementType; bytes: number }> = {
  0x08: { type: 'uint8', bytes: 1 },
  0x09: { type: 'int8', bytes: 1 },
  0x0b: { type: 'int16', bytes: 2 },
  0x0c: { type: 'int32', bytes: 4 },
  0x0d: { type: 'float32', bytes: 4 },
  0x0e: { type: 'float64', bytes: 8 },
};

/** The magic numbers of MNIST-style label and image files. */
export const IDX_LABELS_MAGIC = 0x00000801;
export const IDX_IMAGES_MAGIC = 0x00000803;

export interface ParseIdxOptions {
  /** Named in error messages (a path or a description). Default 'IDX buffer'. */
  file?: string;
  /** Appended to error messages: how to get a good copy of the file. */
  hint?: string;
  /** Reject any other magic number (e.g. IDX_IMAGES_MAGIC). */
  expectedMagic?: number;
}

/** Parses an IDX file held in memory, checking the magic number, the header and the length. */
export function parseIdx(bytes: Uint8Array, options: ParseIdxOptions = {}): IdxFile {
  const file = options.file ?? 'IDX buffer';
  const hint = options.hint ?? 'The file is not a complete IDX file; get a fresh copy.';
  const fail = (problem: 'truncated' | 'corrupted', expected: string, actual: string): never => {
    throw new DatasetFileError({ file, problem, expected, actual, hint });
  };
  if (bytes.length < 4) fail('truncated', 'at least a 4-byte IDX magic number', `${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const describeMagic = options.expectedMagic === undefined ? 'an IDX magic number 0x0000TTDD (TT element type, DD dimensions)' : `magic ${hex32(options.expectedMagic)}`;
  if (options.expectedMagic !== undefined && magic !== options.expectedMagic) {
    fail('corrupted', describeMagic, `magic ${hex32(magic)}${gzipNote(bytes)}`);
  }
  const element = ELEMENT_TYPES[bytes[2]];
  if (bytes[0] !== 0 || bytes[1] !== 0 || element === undefined || bytes[3] === 0) {
    fail('corrupted', describeMagic, `magic ${hex32(magic)}${gzipNote(bytes)}`);
  }
  const rank = bytes[3];
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    fail('truncated', `a ${headerBytes}-byte header (magic and ${rank} dimension sizes)`, `${bytes.length} bytes`);
  }
  const dimensions = Array.from({ length: rank }, (_, axis) => view.getUint32(4 + 4 * axis, false));
  const count = dimensions.reduce((product, size) => product * size, 1);
  const expectedBytes = headerBytes + count * element.bytes;
  if (bytes.length !== expectedBytes) {
    fail(
      bytes.length < expectedBytes ? 'truncated' : 'corrupted',
      `${expectedBytes} bytes (${headerBytes}-byte header + ${dimensions.join(' x ')} ${element.type} elements)`,
      `${bytes.length} bytes`,
    );
  }
  return { type: element.type, dimensions, data: readElements(bytes, view, headerBytes, count, element.type), magic };
}

function readElements(bytes: Uint8Array, view: DataView, start: number, count: number, type: IdxElementType): IdxData {
  switch (type) {
    case 'uint8':
      return new Uint8Array(bytes.buffer, bytes.byteOffset + start, count);
    case 'int8':
      return new Int8Array(bytes.buffer, bytes.byteOffset + start, count).slice();
    case 'int16':
      return Int16Array.from({ length: count }, (_, index) => view.getInt16(start + 2 * index, false));
    case 'int32':
      return Int32Array.from({ length: count }, (_, index) => view.getInt32(start + 4 * index, false));
    case 'float32':
      return Float32Array.from({ length: count }, (_, index) => view.getFloat32(start + 4 * index, false));
    case 'float64':
      return Float64Array.from({ length: count }, (_, index) => view.getFloat64(start + 8 * index, false));
  }
}

/** A common mistake is passing the .gz download without decompressing it: say so. */
function gzipNote(bytes: Uint8Array): string {
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (this is gzip data: decompress it first, e.g. gunzip, or read it with readIdxFile)' : '';
}

/** Builds an IDX file (big-endian header + elements): for tests and for writing subsets. */
export function encodeIdx(dimensions: readonly number[], data: ArrayLike<number>, type: IdxElementType = 'uint8'): Uint8Array {
  const code = Number(Object.keys(ELEMENT_TYPES).find((key) => ELEMENT_TYPES[Number(key)].type === type));
  const elementBytes = ELEMENT_TYPES[code].bytes;
  const headerBytes = 4 + 4 * dimensions.length;
  const bytes = new Uint8Array(headerBytes + data.length * elementBytes);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, (code << 8) | dimensions.length, false);
  dimensions.forEach((size, axis) => view.setUint32(4 + 4 * axis, size, false));
  for (let index = 0; index < data.length; index++) {
    const offset = headerBytes + index * elementBytes;
    if (type === 'uint8') view.setUint8(offset, data[index]);
    else if (type === 'int8') view.setInt8(offset, data[index]);
    else if (type === 'int16') view.setInt16(offset, data[index], false);
    else if (type === 'int32') view.setInt32(offset, data[index], false);
    else if (type === 'float32') view.setFloat32(offset, data[index], false);
    else view.setFloat64(offset, data[index], false);
  }
  return bytes;
}
