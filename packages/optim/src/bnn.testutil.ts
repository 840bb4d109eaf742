/**
 * Larq's optimizer test, rebuilt from @lowbit/autograd ops (optim does not depend on nn): 1000
 * samples of Keras' `get_test_data` problem (2 classes, 10 features: a random template per class in
 * [0, 4)^10 plus unit Gaussian noise), the small BNN of `larq.testing_utils.get_small_bnn_model`
 * (binary dense 10 -> 20, batch norm, sign activation with the clipped straight-through estimator,
 * binary dense 20 -> 2, softmax), 2 epochs of batches of 16, Bop for the binary kernels and
 * Adam(0.01) for batch norm. Larq requires at least 75 % accuracy.
 */
import { add, div, matmul, mean, mul, noGrad, parameter, quantizer, softmaxCrossEntropy, sqrt, square, sub, type Parameter } from '@lowbit/autograd';
import { binaryFormat, randomUint32 } from '@lowbit/formats';
import { ones, randomNormal, randomUniform, tensor, zeros, type Tensor } from '@lowbit/tensor';
import { adam } from './adam.js';
import { bop, type BopOptions } from './bop.js';
import type { Optimizer } from './optimizer.js';
import { routeBy } from './route.js';

const samples = 1000;
const features = 10;
const hidden = 20;
const batchSize = 16;

function problem(seed: number): { x: Float32Array; labels: Int32Array } {
  const templates = randomUniform([2, features], { seed, low: 0, high: 4 }).data() as Float32Array;
  const noise = randomNormal([samples, features], { seed: seed + 1 }).data() as Float32Array;
  const labels = Int32Array.from({ length: samples }, (_, i) => randomUint32(seed + 2, i) & 1);
  const x = Float32Array.from(noise, (v, k) => v + templates[labels[Math.floor(k / features)] * features + (k % features)]);
  return { x, labels };
}

export interface BnnRun {
  accuracy: number;
  losses: number[];
  kernels: Parameter[];
  initial: Float32Array[];
  parameters: Parameter[];
  optimizer: Optimizer;
}

export function trainBnn(bopOptions: BopOptions = {}, seed = 1337): BnnRun {
  const { x, labels } = problem(seed);
  const binary = binaryFormat();
  const kernel1 = parameter(randomNormal([features, hidden], { seed: seed + 3 }), { name: 'dense1.kernel', format: binary });
  const gamma = parameter(ones([hidden]), { name: 'batchNorm.gamma' });
  const beta = parameter(zeros([hidden]), { name: 'batchNorm.beta' });
  const kernel2 = parameter(randomNormal([hidden, 2], { seed: seed + 4 }), { name: 'dense2.kernel', format: binary });
  const activation = quantizer({ name: 'activation', estimator: 'sign', statistics: false });
  const parameters = [kernel1, gamma, beta, kernel2];
  const initial = parameters.map((p) => p.value.data() as Float32Array);

  const forward = (input: Tensor) => {
    const h = matmul(input, kernel1);
    const centered = sub(h, mean(h, { axis: 0, keepDims: true }));
    const variance = mean(square(centered), { axis: 0, keepDims: true });
    const normalized = add(mul(div(centered, sqrt(add(variance, 1e-3))), gamma), beta); // Keras epsilon 1e-3
    return matmul(activation.apply(normalized), kernel2);
  };

  const optimizer = routeBy({
    routes: [
      { name: 'bop', select: 'binary', optimizer: bop(bopOptions) },
      { name: 'adam', select: 'non-binary', optimizer: adam({ learningRate: 0.01 }) },
    ],
  }).create(parameters);

  const losses: number[] = [];
  const order = Int32Array.from({ length: samples }, (_, i) => i);
  for (let epoch = 0; epoch < 2; epoch++) {
    // Seeded Fisher-Yates shuffle per epoch (Keras shuffles too).
    for (let i = samples - 1; i > 0; i--) {
      const j = randomUint32(seed + 10 + epoch, i) % (i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let start = 0; start < samples; start += batchSize) {
      const indices = order.subarray(start, Math.min(start + batchSize, samples));
      const batch = new Float32Array(indices.length * features);
      indices.forEach((index, row) => batch.set(x.subarray(index * features, (index + 1) * features), row * features));
      const loss = softmaxCrossEntropy(forward(tensor(batch, [indices.length, features])), tensor(Int32Array.from(indices, (i) => labels[i])));
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
    }
  }
  // Accuracy on the training set, batch norm with the statistics of the whole set.
  activation.training = false;
  const logits = noGrad(() => forward(tensor(x, [samples, features])).value.data());
  let correct = 0;
  for (let i = 0; i < samples; i++) if ((logits[2 * i + 1] > logits[2 * i] ? 1 : 0) === labels[i]) correct++;
  return { accuracy: correct / samples, losses, kernels: [kernel1, kernel2], initial, parameters, optimizer };
}
