/**
 * CIFAR-10 from the official binary version (https://www.cs.toronto.edu/~kriz/cifar.html): the
 * files data_batch_1.bin ... data_batch_5.bin (train) and test_batch.bin (test), each a sequence
 * of 3073-byte records: 1 label byte (0..9), then 3072 pixel bytes, 1024 red, 1024 green, 1024
 * blue, each channel 32x32 row-major. That is exactly the [3, 32, 32] channel-major layout of a
 * Dataset sample, so records are copied without reordering.
 *
 * CIFAR-10 is not redistributed in an npm package; users with internet access download it once
 * (CIFAR10_DOWNLOAD_COMMAND) and point the loader at the folder.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { createDataset, type Dataset, type DatasetSplit } from './dataset.js';
import { DatasetFileError, DatasetOptionsError, checkSplit } from './errors.js';
import { isDirectory, isFile, readDataFile } from './files.js';

export const CIFAR10_CLASS_NAMES: readonly string[] = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** Bytes per record: 1 label + 3 x 32 x 32 pixels. */
export const CIFAR10_RECORD_BYTES = 3073;
/** Records in each official file. */
export const CIFAR10_RECORDS_PER_FILE = 10000;
export const CIFAR10_ENVIRONMENT_VARIABLE = 'LOWBIT_CIFAR10_DIR';
export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
export const CIFAR10_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';

export const CIFAR10_FILE_NAMES: Record<DatasetSplit, readonly string[]> = {
  train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  test: ['test_batch.bin'],
};

/** Downloads (163 MB), verifies the MD5 and unpacks to ./cifar-10-batches-bin. */
export const CIFAR10_DOWNLOAD_COMMAND =
  `curl -fLO ${CIFAR10_URL} && ` +
  `echo "${CIFAR10_MD5}  cifar-10-binary.tar.gz" | md5sum -c - && ` +
  `tar xzf cifar-10-binary.tar.gz && export ${CIFAR10_ENVIRONMENT_VARIABLE}="$PWD/cifar-10-batches-bin"`;

const DOWNLOAD_HINT =
  `Download and verify the binary version (163 MB) with: ${CIFAR10_DOWNLOAD_COMMAND} ` +
  `(wget works too; on macOS use md5 -q and compare); then pass { directory } or set ${CIFAR10_ENVIRONMENT_VARIABLE}`;

export interface Cifar10Options {
  split: DatasetSplit;
  /**
   * The folder with the .bin files: the cifar-10-batches-bin folder of the archive, or the folder
   * that contains it. Default: the environment variable LOWBIT_CIFAR10_DIR.
   */
  directory?: string;
  /**
   * Called for a file whose record count is not the official 10,000 (a hand-made subset or a
   * truncated copy that happens to end on a record boundary). Default: process.emitWarning.
   */
  onWarning?: (message: string) => void;
}

/**
 * CIFAR-10: train 50,000 and test 10,000 images of [3, 32, 32] bytes, labels 0..9, in file order
 * (data_batch_1 first). Each file must hold a whole number of 3073-byte records; any whole
 * number is accepted, with a warning when it is not 10,000.
 */
export async function loadCifar10(options: Cifar10Options): Promise<Dataset> {
  const operation = 'loadCifar10';
  const split = checkSplit(operation, options?.split);
  const directory = await cifar10Directory(options.directory);
  const warn = options.onWarning ?? ((message: string) => process.emitWarning(message, { type: 'DatasetWarning', code: 'LOWBIT_CIFAR10_RECORD_COUNT' }));
  const parts: { file: string; bytes: Uint8Array; records: number }[] = [];
  for (const name of CIFAR10_FILE_NAMES[split]) {
    const file = join(directory, name);
    const bytes = await readDataFile(file, DOWNLOAD_HINT, `a CIFAR-10 binary batch (${CIFAR10_RECORDS_PER_FILE} records of ${CIFAR10_RECORD_BYTES} bytes)`);
    parts.push({ file, bytes, records: checkCifar10Batch(bytes, file) });
  }
  for (const part of parts) {
    if (part.records !== CIFAR10_RECORDS_PER_FILE) {
      warn(`${part.file}: ${part.records} records instead of the official ${CIFAR10_RECORDS_PER_FILE}; using them all (a subset or an incomplete copy?)`);
    }
  }
  const count = parts.reduce((total, part) => total + part.records, 0);
  const imageBytes = CIFAR10_RECORD_BYTES - 1;
  const values = new Uint8Array(count * imageBytes);
  const labels = new Uint8Array(count);
  let sample = 0;
  for (const part of parts) {
    for (let record = 0; record < part.records; record++, sample++) {
      const start = record * CIFAR10_RECORD_BYTES;
      labels[sample] = part.bytes[start];
      values.set(part.bytes.subarray(start + 1, start + CIFAR10_RECORD_BYTES), sample * imageBytes);
    }
  }
  return createDataset({ name: 'cifar10', split, sampleShape: [3, 32, 32], values, labels, classCount: 10, classNames: CIFAR10_CLASS_NAMES });
}

/**
 * Checks one binary batch: a positive whole number of 3073-byte records, every label byte below
 * 10. Returns the record count.
 */
export function checkCifar10Batch(bytes: Uint8Array, file: string): number {
  if (bytes.length === 0 || bytes.length % CIFAR10_RECORD_BYTES !== 0) {
    const whole = Math.floor(bytes.length / CIFAR10_RECORD_BYTES);
    throw new DatasetFileError({
      file,
      problem: bytes.length < CIFAR10_RECORDS_PER_FILE * CIFAR10_RECORD_BYTES ? 'truncated' : 'corrupted',
      expected: `a whole number of ${CIFAR10_RECORD_BYTES}-byte records (${CIFAR10_RECORDS_PER_FILE * CIFAR10_RECORD_BYTES} bytes in the official files)`,
      actual: `${bytes.length} bytes (${whole} records + ${bytes.length - whole * CIFAR10_RECORD_BYTES} bytes)`,
      hint: DOWNLOAD_HINT,
    });
  }
  const records = bytes.length / CIFAR10_RECORD_BYTES;
  for (let record = 0; record < records; record++) {
    const label = bytes[record * CIFAR10_RECORD_BYTES];
    if (label >= 10) {
      throw new DatasetFileError({
        file,
        problem: 'corrupted',
        expected: 'label bytes 0..9 at the start of each record',
        actual: `label ${label} in record ${record} (byte ${record * CIFAR10_RECORD_BYTES}); is this the CIFAR-100 binary version?`,
        hint: DOWNLOAD_HINT,
      });
    }
  }
  return records;
}

/** The folder of the .bin files from the option or the environment variable, checked. */
async function cifar10Directory(option: string | undefined): Promise<string> {
  const fromEnvironment = process.env[CIFAR10_ENVIRONMENT_VARIABLE];
  const given = option ?? (fromEnvironment === '' ? undefined : fromEnvironment);
  if (given === undefined) {
    throw new DatasetFileError({
      file: `$${CIFAR10_ENVIRONMENT_VARIABLE}`,
      problem: 'missing',
      expected: `a folder with data_batch_1.bin ... data_batch_5.bin and test_batch.bin, given as { directory } or in ${CIFAR10_ENVIRONMENT_VARIABLE}`,
      actual: `no directory option and ${CIFAR10_ENVIRONMENT_VARIABLE} is not set`,
      hint: DOWNLOAD_HINT,
    });
  }
  if (typeof given !== 'string') throw new DatasetOptionsError('loadCifar10', 'directory', given, 'a path to a folder');
  const directory = isAbsolute(given) ? given : resolve(given);
  if (!(await isDirectory(directory))) {
    throw new DatasetFileError({
      file: directory,
      problem: 'missing',
      expected: `a folder with the CIFAR-10 .bin files (from ${option === undefined ? CIFAR10_ENVIRONMENT_VARIABLE : '{ directory }'})`,
      actual: 'no such directory',
      hint: DOWNLOAD_HINT,
    });
  }
  // Accept the folder the archive was unpacked in, too.
  const nested = join(directory, 'cifar-10-batches-bin');
  if (!(await isFile(join(directory, 'test_batch.bin'))) && (await isDirectory(nested))) return nested;
  return directory;
}
