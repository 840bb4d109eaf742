import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError, DatasetFileError } from './errors.js';
import { captured } from './errors.testutil.js';
import { readIdxFile } from './files.js';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, encodeIdx, parseIdx } from './idx.js';

const labels = encodeIdx([5], [0, 1, 2, 9, 4]);
const images = encodeIdx([2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);

describe('parseIdx on well-formed buffers', () => {
  const cases = [
    { name: 'labels (magic 0x00000801)', bytes: labels, expectedMagic: IDX_LABELS_MAGIC, dimensions: [5], values: [0, 1, 2, 9, 4], type: 'uint8' },
    { name: 'images (magic 0x00000803)', bytes: images, expectedMagic: IDX_IMAGES_MAGIC, dimensions: [2, 2, 3], values: [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255], type: 'uint8' },
    { name: 'int8', bytes: encodeIdx([3], [-128, 0, 127], 'int8'), dimensions: [3], values: [-128, 0, 127], type: 'int8' },
    { name: 'int16 big-endian', bytes: encodeIdx([2], [-2, 513], 'int16'), dimensions: [2], values: [-2, 513], type: 'int16' },
    { name: 'int32 big-endian', bytes: encodeIdx([1, 2], [-70000, 123456789], 'int32'), dimensions: [1, 2], values: [-70000, 123456789], type: 'int32' },
    { name: 'float32', bytes: encodeIdx([2], [0.5, -3.25], 'float32'), dimensions: [2], values: [0.5, -3.25], type: 'float32' },
    { name: 'float64', bytes: encodeIdx([1], [0.1], 'float64'), dimensions: [1], values: [0.1], type: 'float64' },
    { name: 'zero items', bytes: encodeIdx([0, 28, 28], []), dimensions: [0, 28, 28], values: [], type: 'uint8' },
  ];
  it.each(cases)('$name', ({ bytes, expectedMagic, dimensions, values, type }) => {
    const parsed = parseIdx(bytes, { expectedMagic });
    expect(parsed.dimensions).toEqual(dimensions);
    expect(parsed.type).toBe(type);
    expect(Array.from(parsed.data)).toEqual(values);
  });

  it('reads header bytes exactly: magic and big-endian sizes', () => {
    expect(Array.from(labels.subarray(0, 8))).toEqual([0, 0, 8, 1, 0, 0, 0, 5]);
    expect(parseIdx(images).magic).toBe(0x00000803);
  });

  it('returns uint8 data as a view of the input (no copy)', () => {
    expect(parseIdx(labels).data.buffer).toBe(labels.buffer);
  });
});

describe('parseIdx on bad buffers: the messages', () => {
  const withExtra = new Uint8Array(labels.length + 3);
  withExtra.set(labels);
  const hint = 'Reinstall the package.';
  const cases = [
    {
      name: 'truncated data',
      bytes: labels.subarray(0, labels.length - 2),
      message: 'truncated dataset file labels.idx: expected 13 bytes (8-byte header + 5 uint8 elements), found 11 bytes. Reinstall the package.',
    },
    {
      name: 'truncated header',
      bytes: images.subarray(0, 10),
      message: 'truncated dataset file labels.idx: expected a 16-byte header (magic and 3 dimension sizes), found 10 bytes. Reinstall the package.',
    },
    {
      name: 'shorter than a magic number',
      bytes: new Uint8Array([0, 0]),
      message: 'truncated dataset file labels.idx: expected at least a 4-byte IDX magic number, found 2 bytes. Reinstall the package.',
    },
    {
      name: 'longer than the header says (corrupted)',
      bytes: withExtra,
      message: 'corrupted dataset file labels.idx: expected 13 bytes (8-byte header + 5 uint8 elements), found 16 bytes. Reinstall the package.',
    },
    {
      name: 'wrong dimensions for a label file (images given)',
      bytes: images,
      expectedMagic: IDX_LABELS_MAGIC,
      message: 'corrupted dataset file labels.idx: expected magic 0x00000801, found magic 0x00000803. Reinstall the package.',
    },
    {
      name: 'not IDX at all',
      bytes: new TextEncoder().encode('<html>404 Not Found</html>'),
      message:
        'corrupted dataset file labels.idx: expected an IDX magic number 0x0000TTDD (TT element type, DD dimensions), found magic 0x3c68746d. Reinstall the package.',
    },
    {
      name: 'unknown element type',
      bytes: new Uint8Array([0, 0, 0x07, 1, 0, 0, 0, 0]),
      message: 'corrupted dataset file labels.idx: expected an IDX magic number 0x0000TTDD (TT element type, DD dimensions), found magic 0x00000701. Reinstall the package.',
    },
    {
      name: 'gzip data not decompressed',
      bytes: new Uint8Array(gzipSync(labels)),
      expectedMagic: IDX_LABELS_MAGIC,
      message: 'gzip data: decompress it first',
    },
  ];
  it.each(cases)('$name', ({ bytes, expectedMagic, message }) => {
    const error = captured(() => parseIdx(bytes, { file: 'labels.idx', hint, expectedMagic }));
    expect(error).toBeInstanceOf(DatasetFileError);
    expect(error).toBeInstanceOf(DatasetError);
    expect(error.name).toBe('DatasetFileError');
    expect(error.message).toContain(message);
    expect((error as DatasetFileError).file).toBe('labels.idx');
  });
});

describe('readIdxFile', () => {
  const directory = mkdtempSync(join(tmpdir(), 'lowbit-idx-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  writeFileSync(join(directory, 'plain-idx1-ubyte'), labels);
  writeFileSync(join(directory, 'packed-idx1-ubyte.gz'), gzipSync(labels));
  writeFileSync(join(directory, 'broken-idx1-ubyte.gz'), gzipSync(labels).subarray(0, 20));

  it.each([
    ['a plain file', 'plain-idx1-ubyte'],
    ['a .gz file (decompressed by its signature)', 'packed-idx1-ubyte.gz'],
    ['a name without .gz when only the .gz exists', 'packed-idx1-ubyte'],
  ])('reads %s', async (_, name) => {
    const parsed = await readIdxFile(join(directory, name), { expectedMagic: IDX_LABELS_MAGIC });
    expect(Array.from(parsed.data)).toEqual([0, 1, 2, 9, 4]);
  });

  it('a missing file names the path and the hint', async () => {
    const file = join(directory, 'absent-idx1-ubyte');
    await expect(readIdxFile(file, { hint: 'Run the download.' })).rejects.toThrow(
      `missing dataset file ${file}: expected an IDX file, found no such file. Run the download.`,
    );
  });

  it('a truncated .gz download is a truncated-file error', async () => {
    const error = await readIdxFile(join(directory, 'broken-idx1-ubyte.gz')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatasetFileError);
    expect((error as DatasetFileError).problem).toBe('truncated');
    expect((error as Error).message).toMatch(/expected complete gzip data, found gzip data that does not decompress/);
  });
});
