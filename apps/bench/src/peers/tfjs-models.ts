/**
 * LeNet-5 and ResNet-18 (CIFAR stem) written in TensorFlow.js ops (NHWC, HWIO filters), the same
 * layouts as @lowbit/models' `lenet5` and `resnet18({ stem: 'cifar' })`: LeNet-5 conv1 6 5x5
 * padding 2, max pool, conv2 16 5x5, max pool, 120-84-10 with ReLU; ResNet-18 3x3 stem without
 * max pool, four stages of two basic blocks (64-128-256-512, 1x1 stride-2 shortcuts), batch norm
 * in training mode (batch statistics), global average pool, fc 10. Initial values are seeded
 * uniform (the speed of a step does not depend on them).
 */
import type * as TF from '@tensorflow/tfjs-core';

type Tf = typeof TF;

export interface TfjsModel {
  variables: TF.Variable[];
  /** NHWC images to logits [batch, 10]. */
  forward(images: TF.Tensor4D): TF.Tensor2D;
}

class Parameters {
  readonly variables: TF.Variable[] = [];
  private seed: number;
  constructor(
    private readonly tf: Tf,
    seed: number,
  ) {
    this.seed = seed;
  }
  /** Uniform in ±1/sqrt(fanIn) (PyTorch's default bound for convolutions and dense layers). */
  weight(shape: number[], fanIn: number): TF.Variable {
    const bound = 1 / Math.sqrt(fanIn);
    return this.add(this.tf.randomUniform(shape, -bound, bound, 'float32', this.seed++));
  }
  constant(shape: number[], value: number): TF.Variable {
    return this.add(this.tf.fill(shape, value));
  }
  private add(initial: TF.Tensor): TF.Variable {
    const variable = this.tf.variable(initial);
    initial.dispose();
    this.variables.push(variable);
    return variable;
  }
}

export function tfjsLenet5(tf: Tf, seed: number): TfjsModel {
  const p = new Parameters(tf, seed);
  const conv1 = p.weight([5, 5, 1, 6], 25);
  const conv1Bias = p.constant([6], 0);
  const conv2 = p.weight([5, 5, 6, 16], 150);
  const conv2Bias = p.constant([16], 0);
  const dense = [[400, 120], [120, 84], [84, 10]].map(([inputs, outputs]) => ({ w: p.weight([inputs, outputs], inputs), b: p.constant([outputs], 0) }));
  return {
    variables: p.variables,
    forward: (images) => {
      const block = (x: TF.Tensor4D, filter: TF.Variable, bias: TF.Variable, pad: number) =>
        tf.maxPool(tf.relu(tf.add(tf.conv2d(x, filter as TF.Tensor4D, 1, pad), bias)) as TF.Tensor4D, 2, 2, 'valid');
      const x = block(block(images, conv1, conv1Bias, 2), conv2, conv2Bias, 0);
      let h: TF.Tensor2D = tf.reshape(x, [x.shape[0], 400]);
      dense.forEach(({ w, b }, index) => {
        const y: TF.Tensor2D = tf.add(tf.matMul(h, w as TF.Tensor2D), b);
        h = index < dense.length - 1 ? tf.relu(y) : y;
      });
      return h;
    },
  };
}

interface BatchNorm {
  scale: TF.Variable;
  shift: TF.Variable;
}

export function tfjsResnet18Cifar(tf: Tf, seed: number): TfjsModel {
  const p = new Parameters(tf, seed);
  const conv = (inChannels: number, outChannels: number, kernel: number) => p.weight([kernel, kernel, inChannels, outChannels], inChannels * kernel * kernel) as TF.Tensor4D;
  const batchNorm = (channels: number): BatchNorm => ({ scale: p.constant([channels], 1), shift: p.constant([channels], 0) });
  const applyBatchNorm = (x: TF.Tensor4D, bn: BatchNorm): TF.Tensor4D => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), bn.scale), bn.shift) as TF.Tensor4D;
  };
  const stem = { conv: conv(3, 64, 3), bn: batchNorm(64) };
  const blocks: { stride: number; conv1: TF.Tensor4D; bn1: BatchNorm; conv2: TF.Tensor4D; bn2: BatchNorm; shortcut?: { conv: TF.Tensor4D; bn: BatchNorm } }[] = [];
  let channels = 64;
  for (const [stage, width] of [64, 128, 256, 512].entries()) {
    for (let block = 0; block < 2; block++) {
      const stride = stage > 0 && block === 0 ? 2 : 1;
      blocks.push({
        stride,
        conv1: conv(channels, width, 3),
        bn1: batchNorm(width),
        conv2: conv(width, width, 3),
        bn2: batchNorm(width),
        shortcut: stride !== 1 || channels !== width ? { conv: conv(channels, width, 1), bn: batchNorm(width) } : undefined,
      });
      channels = width;
    }
  }
  const fc = { w: p.weight([512, 10], 512), b: p.constant([10], 0) };
  return {
    variables: p.variables,
    forward: (images) => {
      let x = tf.relu(applyBatchNorm(tf.conv2d(images, stem.conv, 1, 1), stem.bn));
      for (const block of blocks) {
        const main = applyBatchNorm(tf.conv2d(tf.relu(applyBatchNorm(tf.conv2d(x, block.conv1, block.stride, 1), block.bn1)), block.conv2, 1, 1), block.bn2);
        const shortcut = block.shortcut === undefined ? x : applyBatchNorm(tf.conv2d(x, block.shortcut.conv, block.stride, 0), block.shortcut.bn);
        x = tf.relu(tf.add(main, shortcut)) as TF.Tensor4D;
      }
      return tf.add(tf.matMul(tf.mean(x, [1, 2]) as TF.Tensor2D, fc.w as TF.Tensor2D), fc.b);
    },
  };
}

/** One SGD-with-momentum training step (forward, backward, update); returns when the loss is read back. */
export function tfjsTrainingStep(tf: Tf, model: TfjsModel, optimizer: TF.Optimizer, images: TF.Tensor4D, labels: TF.Tensor2D): number {
  const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.forward(images)) as TF.Scalar, true, model.variables);
  const value = loss!.dataSync()[0];
  loss!.dispose();
  return value;
}
