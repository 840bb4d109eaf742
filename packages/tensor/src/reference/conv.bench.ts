/**
 * Convolution benchmarks of the reference backend (`pnpm bench`): every distinct convolution of
 * ResNet-18 for CIFAR-10, forward, backward data and backward filter. Batch 8 and a few timed runs
 * after one warm-up keep the whole file under half a minute; scripts/bench-kernels.ts runs batch 32.
 * Each line printed gives the median GFLOP/s and how many runs it is the median of.
 */
import { bench, describe } from 'vitest';
import { CONV_PASSES, convWorkload, RESNET18_CIFAR_LAYERS } from './conv.workloads.js';
import { referenceBackend } from './index.js';
import { benchOptions } from './matmul.workloads.js';

const BATCH = 8;

for (const pass of CONV_PASSES) {
  describe(`reference conv2d ${pass}, ResNet-18 CIFAR shapes, batch ${BATCH} (GFLOP/s printed per line)`, () => {
    for (const layer of RESNET18_CIFAR_LAYERS) {
      const { fn, options } = benchOptions(convWorkload(referenceBackend, layer, pass, BATCH), 2);
      bench(layer.name, fn, options);
    }
  });
}
