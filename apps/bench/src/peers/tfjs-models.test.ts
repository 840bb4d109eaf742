import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerConv2dBackpropFilter } from './tfjs-conv-filter.js';
import { tfjsLenet5, tfjsResnet18Cifar, tfjsTrainingStep, type TfjsModel } from './tfjs-models.js';

function parameterCount(model: TfjsModel): number {
  return model.variables.reduce((sum, v) => sum + v.size, 0);
}

/** Two steps on the wasm backend: the loss is finite, every variable moves, and no tensor leaks per step. */
function trainTwice(model: TfjsModel, imageShape: [number, number, number, number]): void {
  const optimizer = tf.train.momentum(0.01, 0.9);
  const images = tf.randomNormal(imageShape, 0, 1, 'float32', 1) as tf.Tensor4D;
  const labels = tf.oneHot(tf.tensor1d([3, 7], 'int32'), 10).toFloat() as tf.Tensor2D;
  const before = model.variables.map((v) => tf.clone(v));
  expect(Number.isFinite(tfjsTrainingStep(tf, model, optimizer, images, labels))).toBe(true);
  const tensors = tf.memory().numTensors; // after the first step, which creates the optimizer's momentum buffers
  expect(Number.isFinite(tfjsTrainingStep(tf, model, optimizer, images, labels))).toBe(true);
  expect(tf.memory().numTensors).toBe(tensors);
  const moved = model.variables.map((v, i) => tf.tidy(() => tf.any(tf.notEqual(v, before[i])).dataSync()[0]));
  expect(moved).toEqual(model.variables.map(() => 1));
  optimizer.dispose();
  tf.dispose([images, labels, ...before, ...model.variables]);
}

describe('TF.js models (wasm backend)', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    registerConv2dBackpropFilter(tf);
  }, 60_000);

  it('LeNet-5 has the 61,706 parameters of @lowbit/models lenet5 and trains', () => {
    const model = tfjsLenet5(tf, 1);
    expect(parameterCount(model)).toBe(61_706);
    trainTwice(model, [2, 28, 28, 1]);
  });

  it('ResNet-18 CIFAR has the 11,173,962 parameters of @lowbit/models resnet18 and trains (8x8 images keep it fast)', { timeout: 120_000 }, () => {
    const model = tfjsResnet18Cifar(tf, 1);
    expect(parameterCount(model)).toBe(11_173_962);
    trainTwice(model, [2, 8, 8, 3]);
  });
});
