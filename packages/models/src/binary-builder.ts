/**
 * Builds the binarized networks (BinaryNet, the Larq MNIST BNN, VGG3, VGG7, binary AlexNet) from a
 * table of layers, in the order of the BNN literature and Larq: each convolution or dense layer
 * (no bias: the batch norm that follows has the shift), then its max pool, then a batch norm; the
 * sign of the activations is the `inputs` role of the next binary layer (clipped straight-through
 * estimator), so no activation module sits between them.
 *
 * Binary weights are either latent (`binaryWeights: 'latent'`, default: a float32 weight the
 * forward pass sees as ±1 through the `weights` role, as Larq's ste_sign kernel quantizer; for
 * Adam-style training) or stored (`'stored'`: the parameter itself is stored in the binary format,
 * ±1 and nothing else, which @lowbit/optim's Bop route 'binary' selects; Yayla & Chen's setting).
 */
import { binaryFormat } from '@lowbit/formats';
import { Conv2d, Flatten, Linear, MaxPool2d, Sequential, binaryQuantization, defaultWeightInitializer, xavierUniform, type Initializer, type LayerPlan, type Module } from '@lowbit/nn';
import { ArgumentError, conv2dAttributes, pool2dAttributes, type Padding } from '@lowbit/tensor';
import { batchNorm, resolveBatchNorm, type ModelBatchNormOptions } from './batch-norm.js';
import { applyModelQuantization, layerSeed, resolveModelOptions, type ModelOptions, type NormalizedPlan } from './options.js';

/** Options of every binarized network. */
export interface BinaryModelOptions extends ModelOptions {
  /** 'latent' (default): float32 weights binarized on the way forward; 'stored': weights stored as ±1 (for Bop). */
  binaryWeights?: 'latent' | 'stored';
  /** The straight-through estimator passes gradients where |x| <= clip. Default 1 (Larq). */
  clip?: number;
  /** Overrides the model's batch-norm defaults (scale, eps, momentum). */
  batchNorm?: ModelBatchNormOptions;
}

/** One weighted layer of a table; `pool` follows it (before its batch norm). */
export type BinaryLayerSpec =
  | { kind: 'conv'; out: number; kernel: number; padding?: Padding; stride?: number; pool?: number }
  | { kind: 'linear'; out: number };

export interface BinaryNetworkSpec {
  model: string;
  /** [channels, height, width] of one sample. */
  inputShape: readonly [number, number, number];
  /** The weighted layers in order; the last linear layer gets `classes` outputs. A Flatten goes before the first linear layer. */
  layers: readonly BinaryLayerSpec[];
  /** 'binary-weights': the first layer has binary weights and real inputs (Larq); 'real': real weights and inputs. */
  first: 'binary-weights' | 'real';
  /** 'binary' (Larq, BinaryNet) or 'real' weights and inputs (XNOR-Net's rule for AlexNet). */
  last: 'binary' | 'real';
  /** Latent weight initializer: Keras' glorot_uniform (Larq models) or PyTorch's default. */
  initializer: 'glorot' | 'pytorch';
  batchNorm: Required<ModelBatchNormOptions>;
}

const glorot: Initializer = (shape, { seed }) => xavierUniform(shape, { seed });

/** Builds the network a spec describes, with the options of a model function. */
export function buildBinaryNetwork(spec: BinaryNetworkSpec, options: BinaryModelOptions): Sequential {
  const { classes, seed, quantization } = resolveModelOptions(spec.model, options, ['binaryWeights', 'clip', 'batchNorm']);
  const binaryWeights = options.binaryWeights ?? 'latent';
  if (binaryWeights !== 'latent' && binaryWeights !== 'stored') throw new ArgumentError(spec.model, 'binaryWeights', binaryWeights, "'latent' (float32 weights binarized forward) or 'stored' (weights stored as ±1, for Bop)");
  const clip = options.clip ?? 1;
  const norm = resolveBatchNorm(spec.model, options.batchNorm, spec.batchNorm);
  const weightInitializer = spec.initializer === 'glorot' ? glorot : defaultWeightInitializer;

  const layers: Record<string, Module> = {};
  let [channels, height, width] = spec.inputShape;
  let features = 0;
  let convolutions = 0;
  let denses = 0;
  spec.layers.forEach((layer, index) => {
    const last = index === spec.layers.length - 1;
    const binary = !((index === 0 && spec.first === 'real') || (last && spec.last === 'real'));
    const weightStorage = binaryWeights === 'stored' && binary ? { format: binaryFormat() } : undefined;
    const position = index + 1;
    if (layer.kind === 'conv') {
      const name = `conv${++convolutions}`;
      const options = { inChannels: channels, outChannels: layer.out, kernelSize: layer.kernel, stride: layer.stride ?? 1, padding: layer.padding ?? 'valid' };
      layers[name] = new Conv2d({ ...options, bias: false, seed: layerSeed(seed, name), weightInitializer, weightStorage });
      [, channels, height, width] = conv2dAttributes(name, [1, channels, height, width], [layer.out, channels, layer.kernel, layer.kernel], options).outShape;
      if (layer.pool !== undefined) {
        layers[`pool${convolutions}`] = new MaxPool2d({ kernelSize: layer.pool });
        [, , height, width] = pool2dAttributes(name, [1, channels, height, width], { kernelSize: layer.pool }).outShape;
      }
      layers[`bn${position}`] = batchNorm('conv', channels, norm);
    } else {
      if (denses === 0) {
        layers.flatten = new Flatten();
        features = channels * height * width;
      }
      const name = `fc${++denses}`;
      const out = last ? classes : layer.out;
      layers[name] = new Linear({ inFeatures: features, outFeatures: out, bias: false, seed: layerSeed(seed, name), weightInitializer, weightStorage });
      layers[`bn${position}`] = batchNorm('linear', out, norm);
      features = out;
    }
  });
  const model = new Sequential(layers);
  applyModelQuantization(model, binaryPlan(spec, binaryWeights, clip), quantization);
  return model;
}

/** The binary roles as a plan: every layer binary, then the first and last layer made real as the spec says. */
function binaryPlan(spec: BinaryNetworkSpec, binaryWeights: 'latent' | 'stored', clip: number): NormalizedPlan {
  const roles = binaryQuantization({ clip });
  const overrides: Record<string, LayerPlan> = { first: spec.first === 'real' ? 'float32' : { inputs: 'float32' } };
  if (spec.last === 'real') overrides.last = 'float32';
  return { layers: binaryWeights === 'latent' ? roles : { inputs: roles.inputs }, overrides };
}
