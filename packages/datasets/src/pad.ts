/**
 * Reshaping image datasets for networks built for another input size: MNIST and Fashion-MNIST
 * (1 x 28 x 28) become 3 x 32 x 32 like CIFAR-10, so a CIFAR network can run on them when
 * CIFAR-10 is not on the machine. Padding is zero (background), centered; a single channel is
 * replicated into every output channel (grey stays grey).
 */
import { createDataset, datasetDefinition, checkDataset, type Dataset } from './dataset.js';
import { DatasetOptionsError, checkPositiveInteger } from './errors.js';

export interface PadImagesOptions {
  /** Default 32. At least the source height. */
  height?: number;
  /** Default 32. At least the source width. */
  width?: number;
  /** Default 3. The source must have 1 channel or exactly this many. */
  channels?: number;
}

/**
 * A copy of an image dataset with each image zero-padded to height x width (extra row/column of
 * an odd difference at the bottom/right) and its channel replicated to `channels`. Memory:
 * length x channels x height x width bytes (184 MB for MNIST train at 3 x 32 x 32).
 */
export function padImages(dataset: Dataset, options: PadImagesOptions = {}): Dataset {
  const operation = 'padImages';
  checkDataset(operation, dataset);
  if (dataset.sampleShape.length !== 3) {
    throw new DatasetOptionsError(operation, 'dataset', `${dataset.name} with samples of shape [${dataset.sampleShape.join(',')}]`, 'images of shape [channels, height, width]');
  }
  const [sourceChannels, sourceHeight, sourceWidth] = dataset.sampleShape;
  const height = checkPositiveInteger(operation, 'height', options.height ?? 32);
  const width = checkPositiveInteger(operation, 'width', options.width ?? 32);
  const channels = checkPositiveInteger(operation, 'channels', options.channels ?? 3);
  if (height < sourceHeight) throw new DatasetOptionsError(operation, 'height', height, `at least the source height ${sourceHeight}`, 'padImages only pads, it never crops');
  if (width < sourceWidth) throw new DatasetOptionsError(operation, 'width', width, `at least the source width ${sourceWidth}`, 'padImages only pads, it never crops');
  if (sourceChannels !== 1 && sourceChannels !== channels) {
    throw new DatasetOptionsError(operation, 'channels', channels, `1 or ${sourceChannels} (the source has ${sourceChannels} channels; only a single channel can be replicated)`);
  }
  const top = Math.floor((height - sourceHeight) / 2);
  const left = Math.floor((width - sourceWidth) / 2);
  const sourcePlane = sourceHeight * sourceWidth;
  const plane = height * width;
  const sampleSize = channels * plane;
  const values = new (dataset.values.constructor as Uint8ArrayConstructor | Float32ArrayConstructor)(dataset.length * sampleSize);
  for (let sample = 0; sample < dataset.length; sample++) {
    for (let channel = 0; channel < channels; channel++) {
      const sourceChannel = sourceChannels === 1 ? 0 : channel;
      const from = sample * dataset.sampleSize + sourceChannel * sourcePlane;
      const to = sample * sampleSize + channel * plane + top * width + left;
      for (let y = 0; y < sourceHeight; y++) {
        values.set(dataset.values.subarray(from + y * sourceWidth, from + (y + 1) * sourceWidth), to + y * width);
      }
    }
  }
  return createDataset({ ...datasetDefinition(dataset), sampleShape: [channels, height, width], values });
}
