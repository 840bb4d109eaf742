/**
 * @lowbit/datasets: MNIST, Fashion-MNIST and CIFAR-10 loaders with checked file formats,
 * synthetic datasets, seeded shuffling, batching into @lowbit/tensor tensors, normalization and
 * augmentation. The loaders read files with node:fs; everything else runs anywhere.
 */
export { createDataset, subset, take, labelCounts, datasetDefinition } from './dataset.js';
export type { Dataset, DatasetDefinition, DatasetSplit, Sample, SampleValues } from './dataset.js';
export { DatasetError, DatasetFileError, DatasetOptionsError } from './errors.js';
export type { DatasetFileErrorDetails, DatasetFileProblem } from './errors.js';
export { parseIdx, encodeIdx, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from './idx.js';
export type { IdxFile, IdxData, IdxElementType, ParseIdxOptions } from './idx.js';
export { readIdxFile } from './files.js';
export { loadMnist, loadIdxDataset, IDX_FILE_NAMES, MNIST_CLASS_NAMES } from './mnist.js';
export type { MnistOptions, IdxDatasetOptions } from './mnist.js';
export { loadFashionMnist, parseFashionMnistJson, FASHION_MNIST_CLASS_NAMES } from './fashion-mnist.js';
export type { FashionMnistOptions } from './fashion-mnist.js';
export {
  loadCifar10,
  checkCifar10Batch,
  CIFAR10_CLASS_NAMES,
  CIFAR10_DOWNLOAD_COMMAND,
  CIFAR10_ENVIRONMENT_VARIABLE,
  CIFAR10_FILE_NAMES,
  CIFAR10_MD5,
  CIFAR10_RECORD_BYTES,
  CIFAR10_RECORDS_PER_FILE,
  CIFAR10_URL,
} from './cifar10.js';
export type { Cifar10Options } from './cifar10.js';
export { gaussianBlobs, syntheticImages } from './synthetic.js';
export type { GaussianBlobsOptions, SyntheticImagesOptions } from './synthetic.js';
export { shuffledIndices, type ShuffleOptions } from './shuffle.js';
export { MAX_EPOCH } from './random.js';
export { gatherSamples, channelStatistics } from './transform.js';
export type { Normalization, Augmentation, SampleOptions, ChannelStatistics } from './transform.js';
export { batches, batchCount } from './batches.js';
export type { Batch, BatchOptions } from './batches.js';
export { padImages, type PadImagesOptions } from './pad.js';
