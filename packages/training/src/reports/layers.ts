/**
 * What the memory and energy models need to know about each layer: MAC counts of the three
 * GEMMs of training, the representation of every operand, and the values a layer saves for its
 * backward pass.
 *
 * MACs per sample (N samples: N times):
 * - Linear [out, in]: forward = rows x in x out (rows = input values / in, 1 for a flat input);
 * - Conv2d [O, I/g, kh, kw]: forward = output values x (I/g) kh kw;
 * - backward-data (dX = dY W) and backward-weight (dW = dY^T X) have the forward's count each,
 *   except that the first layer with parameters needs no backward-data GEMM (nothing below it
 *   wants a gradient; autograd skips it too).
 *
 * Saved for backward, per sample (the minimum a fused implementation keeps, not what this
 * library's tape holds): Linear/Conv2d their input (for dW), ReLU/Hardtanh/MaxPool2d/BatchNorm
 * their input, Dropout a 1-bit mask, Flatten/pooling averages/Identity nothing; any other leaf
 * its input (marked `estimated`); and the loss the model output (softmax for cross-entropy).
 */
import type { Module } from '@lowbit/nn';
import type { Parameter } from '@lowbit/autograd';
import { FLOAT32, inputRepresentation, representationOf, size, type ModelTrace, type Representation } from './trace.js';

export interface WeightLayerInfo {
  /** Dotted layer path. */
  layer: string;
  type: string;
  /** The weight parameter's dotted name. */
  parameter: string;
  weight: Parameter;
  /** Per sample. */
  macs: { forward: number; backwardData: number; backwardWeight: number };
  /** W as multiplied: the stored format, else the weights point's forward format, else float32. */
  weights: Representation;
  /** A: the input as multiplied (the inputs point, else the producer's outputs point). */
  activations: Representation;
  /** E: the error at the output (the outputs point's backward side). */
  errors: Representation;
  /** G: the weight gradient (the weights point's backward side). */
  weightGradients: Representation;
}

export interface SavedActivation {
  module: string;
  type: string;
  /** Values per sample. */
  values: number;
  bits: number;
  estimated: boolean;
}

const NOTHING_SAVED = new Set(['Flatten', 'Identity', 'AvgPool2d', 'GlobalAvgPool2d', 'Sequential', 'Residual']);
const INPUT_SAVED = new Set(['Linear', 'Conv2d', 'ReLU', 'Hardtanh', 'MaxPool2d', 'BatchNorm1d', 'BatchNorm2d']);

function ownWeight(module: Module): Parameter | undefined {
  return module.ownParameters().find(([name]) => name === 'weight')?.[1];
}

export function weightLayers(trace: ModelTrace, model: Module): WeightLayerInfo[] {
  const layers: WeightLayerInfo[] = [];
  const firstWithParameters = trace.modules.find((entry) => entry.leaf && entry.module.ownParameters().length > 0);
  for (const entry of trace.modules) {
    if (entry.type !== 'Linear' && entry.type !== 'Conv2d') continue;
    const weight = ownWeight(entry.module);
    if (weight === undefined) continue;
    let forward: number;
    if (entry.type === 'Linear') {
      const [out, inFeatures] = weight.shape;
      forward = (size(entry.inputShape) / inFeatures) * inFeatures * out;
    } else {
      const [, inPerGroup, kernelHeight, kernelWidth] = weight.shape;
      forward = size(entry.outputShape) * inPerGroup * kernelHeight * kernelWidth;
    }
    const name = model.namedParameters().find(([, parameter]) => parameter === weight)?.[0] ?? `${entry.path}.weight`;
    layers.push({
      layer: entry.path,
      type: entry.type,
      parameter: name,
      weight,
      macs: { forward, backwardData: entry === firstWithParameters ? 0 : forward, backwardWeight: forward },
      weights: weight.format !== undefined ? representationOf(weight.format) : (entry.weights ?? FLOAT32),
      activations: inputRepresentation(trace, entry),
      errors: entry.errors ?? FLOAT32,
      weightGradients: entry.weightGradients ?? FLOAT32,
    });
  }
  return layers;
}

export function savedActivations(trace: ModelTrace): SavedActivation[] {
  const rows: SavedActivation[] = [];
  for (const entry of trace.modules) {
    if (!entry.leaf || NOTHING_SAVED.has(entry.type)) continue;
    const input = inputRepresentation(trace, entry);
    if (entry.type === 'Dropout') rows.push({ module: entry.path, type: entry.type, values: size(entry.inputShape), bits: 1, estimated: false });
    else rows.push({ module: entry.path, type: entry.type, values: size(entry.inputShape), bits: input.bits, estimated: !INPUT_SAVED.has(entry.type) });
  }
  rows.push({ module: '(loss)', type: 'loss', values: size(trace.outputShape), bits: 32, estimated: false });
  return rows;
}
