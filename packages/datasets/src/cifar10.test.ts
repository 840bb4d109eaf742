import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CIFAR10_DOWNLOAD_COMMAND, CIFAR10_ENVIRONMENT_VARIABLE, CIFAR10_FILE_NAMES, CIFAR10_RECORD_BYTES, loadCifar10 } from './cifar10.js';
import { DatasetFileError } from './errors.js';

/**
 * Records in the official binary layout: label byte, then 1024 red, 1024 green, 1024 blue bytes.
 * Pixel (channel c, row y, column x) of record r is (r * 7 + c * 50 + y + 2 * x) % 256, so every
 * position has its own value and a wrong layout shows up.
 */
function records(labels: number[], first = 0): Uint8Array {
  const bytes = new Uint8Array(labels.length * CIFAR10_RECORD_BYTES);
  labels.forEach((label, index) => {
    const start = index * CIFAR10_RECORD_BYTES;
    bytes[start] = label;
    for (let channel = 0; channel < 3; channel++) {
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) bytes[start + 1 + channel * 1024 + y * 32 + x] = pixel(first + index, channel, y, x);
      }
    }
  });
  return bytes;
}
const pixel = (record: number, channel: number, y: number, x: number) => (record * 7 + channel * 50 + y + 2 * x) % 256;

const root = mkdtempSync(join(tmpdir(), 'lowbit-cifar-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder with small batch files: train files of 2 records each, a test file of 3. */
function folder(name: string, replace: Partial<Record<string, Uint8Array | null>> = {}): string {
  const directory = join(root, name);
  mkdirSync(directory, { recursive: true });
  CIFAR10_FILE_NAMES.train.forEach((file, index) => {
    if (replace[file] !== null) writeFileSync(join(directory, file), replace[file] ?? records([index, 9 - index], 2 * index));
  });
  if (replace['test_batch.bin'] !== null) writeFileSync(join(directory, 'test_batch.bin'), replace['test_batch.bin'] ?? records([3, 1, 4], 100));
  return directory;
}

describe('loadCifar10 on generated files in the official format', () => {
  const saved = process.env[CIFAR10_ENVIRONMENT_VARIABLE];
  afterEach(() => {
    if (saved === undefined) delete process.env[CIFAR10_ENVIRONMENT_VARIABLE];
    else process.env[CIFAR10_ENVIRONMENT_VARIABLE] = saved;
  });

  it('train concatenates data_batch_1..5 in order, [3, 32, 32] bytes, channel-major', async () => {
    const warnings: string[] = [];
    const dataset = await loadCifar10({ split: 'train', directory: folder('good'), onWarning: (message) => warnings.push(message) });
    expect(dataset.name).toBe('cifar10');
    expect(dataset.length).toBe(10);
    expect(dataset.sampleShape).toEqual([3, 32, 32]);
    expect(Array.from(dataset.labels)).toEqual([0, 9, 1, 8, 2, 7, 3, 6, 4, 5]);
    expect(dataset.classNames[0]).toBe('airplane');
    for (const [record, channel, y, x] of [[0, 0, 0, 0], [3, 1, 5, 31], [9, 2, 31, 7]]) {
      expect(dataset.get(record).values[channel * 1024 + y * 32 + x]).toBe(pixel(record, channel, y, x));
    }
    // Hand-made files have 2 records instead of 10,000: accepted, with one warning per file.
    expect(warnings).toHaveLength(5);
    expect(warnings[0]).toMatch(/data_batch_1\.bin: 2 records instead of the official 10000; using them all/);
  });

  it('test reads test_batch.bin', async () => {
    const dataset = await loadCifar10({ split: 'test', directory: folder('good-test'), onWarning: () => {} });
    expect(Array.from(dataset.labels)).toEqual([3, 1, 4]);
    expect(dataset.get(2).values[1024 + 32 + 1]).toBe(pixel(102, 1, 1, 1));
  });

  it(`takes the folder from ${CIFAR10_ENVIRONMENT_VARIABLE}, or the folder the archive was unpacked in`, async () => {
    folder('unpacked/cifar-10-batches-bin');
    process.env[CIFAR10_ENVIRONMENT_VARIABLE] = join(root, 'unpacked');
    const dataset = await loadCifar10({ split: 'test', onWarning: () => {} });
    expect(dataset.length).toBe(3);
  });

  const download = CIFAR10_DOWNLOAD_COMMAND.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const bad = [
    {
      name: 'truncated file (not a whole number of records)',
      replace: { 'data_batch_3.bin': records([1, 2]).subarray(0, 5000) },
      message: new RegExp(
        `^truncated dataset file .*data_batch_3\\.bin: expected a whole number of 3073-byte records \\(30730000 bytes in the official files\\), found 5000 bytes \\(1 records \\+ 1927 bytes\\)\\. Download and verify the binary version \\(163 MB\\) with: ${download}`,
      ),
    },
    {
      name: 'empty file',
      replace: { 'test_batch.bin': new Uint8Array(0) },
      split: 'test',
      message: /truncated dataset file .*test_batch\.bin: expected a whole number of 3073-byte records .* found 0 bytes/,
    },
    {
      name: 'label 10 or more (e.g. CIFAR-100 data)',
      replace: { 'data_batch_2.bin': records([4, 57]) },
      message: /corrupted dataset file .*data_batch_2\.bin: expected label bytes 0\.\.9 at the start of each record, found label 57 in record 1 \(byte 3073\); is this the CIFAR-100 binary version\?/,
    },
    {
      name: 'missing file',
      replace: { 'data_batch_5.bin': null },
      message: /missing dataset file .*data_batch_5\.bin: expected a CIFAR-10 binary batch \(10000 records of 3073 bytes\), found no such file\. Download and verify/,
    },
  ];
  it.each(bad.map((entry, index) => ({ ...entry, index })))('$name', async ({ replace, split, message, index }) => {
    const directory = folder(`bad-${index}`, replace);
    const error = await loadCifar10({ split: (split ?? 'train') as 'train' | 'test', directory, onWarning: () => {} }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatasetFileError);
    expect((error as Error).message).toMatch(message);
  });

  it('no directory and no environment variable: the message has the download-and-verify command', async () => {
    delete process.env[CIFAR10_ENVIRONMENT_VARIABLE];
    const error = (await loadCifar10({ split: 'train' }).catch((caught: unknown) => caught)) as DatasetFileError;
    expect(error).toBeInstanceOf(DatasetFileError);
    expect(error.problem).toBe('missing');
    expect(error.message).toBe(
      'missing dataset file $LOWBIT_CIFAR10_DIR: expected a folder with data_batch_1.bin ... data_batch_5.bin and test_batch.bin, ' +
        'given as { directory } or in LOWBIT_CIFAR10_DIR, found no directory option and LOWBIT_CIFAR10_DIR is not set. ' +
        'Download and verify the binary version (163 MB) with: curl -fLO https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz && ' +
        'echo "c32a1d4ab5d03f1284b67883e8d87530  cifar-10-binary.tar.gz" | md5sum -c - && tar xzf cifar-10-binary.tar.gz && ' +
        'export LOWBIT_CIFAR10_DIR="$PWD/cifar-10-batches-bin" (wget works too; on macOS use md5 -q and compare); ' +
        'then pass { directory } or set LOWBIT_CIFAR10_DIR',
    );
  });

  it('a directory that does not exist is named', async () => {
    const directory = join(root, 'nowhere');
    await expect(loadCifar10({ split: 'test', directory })).rejects.toThrow(
      `missing dataset file ${directory}: expected a folder with the CIFAR-10 .bin files (from { directory }), found no such directory.`,
    );
  });
});
