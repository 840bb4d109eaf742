/**
 * TensorFlow.js 4.22 with its wasm backend (SIMD; single-threaded in Node), as a peer in the same
 * run: GEMM and convolution forward at the ResNet-18 CIFAR shapes. TF.js convolutions are NHWC
 * with 'same'/'valid' padding, which give the same output sizes and operation counts.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { SeededRandom } from '@lowbit/tensor/testing';
import type { ConvLayer, Workload } from './bench-workloads.js';

export async function tfjsReady(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
}

function random(shape: number[], seed: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(new SeededRandom(seed).values(size), shape, 'float32');
}

export function tfjsGemmWorkload(size: number): Workload {
  const a = random([size, size], 1);
  const b = random([size, size], 2);
  return {
    name: `tfjs-wasm gemm ${size}`,
    work: 2 * size ** 3,
    run: () => {
      const product = tf.matMul(a, b);
      product.dataSync();
      product.dispose();
    },
    release: () => tf.dispose([a, b]),
  };
}

export function tfjsConvWorkload(layer: ConvLayer, batch: number): Workload {
  const x = random([batch, layer.size, layer.size, layer.inChannels], 1) as tf.Tensor4D;
  const filter = random([layer.kernel, layer.kernel, layer.inChannels, layer.outChannels], 2) as tf.Tensor4D;
  const padding = layer.kernel === 3 ? 'same' : 'valid';
  const out = Math.ceil(layer.size / layer.stride);
  return {
    name: `tfjs-wasm conv ${layer.name} forward`,
    work: 2 * batch * out * out * layer.outChannels * layer.inChannels * layer.kernel * layer.kernel,
    run: () => {
      const y = tf.conv2d(x, filter, layer.stride, padding);
      y.dataSync();
      y.dispose();
    },
    release: () => tf.dispose([x, filter]),
  };
}
