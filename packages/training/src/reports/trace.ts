/**
 * A shape trace of a model for the memory and energy models: one forward pass of a single sample
 * with every module hooked, recording each module's input and output shapes, which module
 * produced each input, and the formats each tensor role is rounded into. Counts for a batch of N
 * are N times these (every layer here treats samples independently). The pass runs in evaluation
 * mode without gradients, and the model's volatile state (evaluation streams included) is
 * restored afterwards, so a report never changes a run.
 */
import { Variable, noGrad, type QuantizationPoint } from '@lowbit/autograd';
import { ArgumentError, zeros, type Tensor } from '@lowbit/tensor';
import type { ElementFormat, TensorFormat } from '@lowbit/formats';
import type { Module } from '@lowbit/nn';
import { captureVolatileState, isLeaf, restoreVolatileState, withForwardHooks } from '../model-hooks.js';

/** How a tensor is represented: by the bits of its codes and whether it is float32 arithmetic. */
export interface Representation {
  /** 'float32' or the format's canonical name. */
  format: string;
  /** Bits per value (element code bits; shared scales of block formats are averaged in for storage). */
  bits: number;
  /** True for unformatted float32 (priced as FP32 arithmetic). */
  float32: boolean;
}

export const FLOAT32: Representation = { format: 'float32', bits: 32, float32: true };

export function representationOf(format: ElementFormat | TensorFormat | undefined): Representation {
  if (format === undefined) return FLOAT32;
  const bits = 'bitsPerValue' in format ? format.bitsPerValue : format.bits;
  const isFloat32 = format.spec.kind === 'float' && bits === 32;
  return { format: format.name, bits, float32: isFloat32 };
}

function sideFormat(point: QuantizationPoint | undefined, side: 'forward' | 'backward'): Representation | undefined {
  const format = point?.[side]?.options.format;
  return format === undefined ? undefined : representationOf(format as ElementFormat | TensorFormat);
}

export interface TracedModule {
  path: string;
  type: string;
  module: Module;
  leaf: boolean;
  /** Per-sample shapes (batch axis 1). */
  inputShape: number[];
  outputShape: number[];
  /** Path of the module whose output this module read (undefined: the model input). */
  producer: string | undefined;
  /** Forward formats of the module's points (undefined where the role is not quantized). */
  inputs: Representation | undefined;
  outputs: Representation | undefined;
  weights: Representation | undefined;
  /** Backward formats: E (the error at this module's output) and G (its weight gradient). */
  errors: Representation | undefined;
  weightGradients: Representation | undefined;
}

export interface ModelTrace {
  modules: TracedModule[];
  /** Per-sample output shape of the model. */
  outputShape: number[];
}

export function checkInputShape(op: string, inputShape: unknown): number[] {
  if (!Array.isArray(inputShape) || inputShape.length === 0 || inputShape.some((d) => !Number.isSafeInteger(d) || d < 1)) {
    throw new ArgumentError(op, 'inputShape', inputShape, 'the shape of one sample without the batch axis, e.g. [1, 28, 28]');
  }
  return inputShape as number[];
}

/** Traces `model` on one zero sample of `inputShape` (no batch axis). */
export function traceModel(model: Module, inputShape: readonly number[]): ModelTrace {
  const volatile = captureVolatileState(model);
  const wasTraining = model.training;
  const producers = new Map<Variable, string>();
  const modules: TracedModule[] = [];
  let outputShape: number[] = [];
  model.eval();
  try {
    noGrad(() =>
      withForwardHooks(
        model,
        (path, module, input, output) => {
          const point = (role: 'inputs' | 'outputs' | 'weights') => (module.quantizationPointRoles().includes(role) ? module.quantizationPoint(role) : undefined);
          modules.push({
            path,
            type: module.type,
            module,
            leaf: isLeaf(module),
            inputShape: [...input.shape],
            outputShape: [...output.shape],
            producer: input instanceof Variable ? producers.get(input) : undefined,
            inputs: sideFormat(point('inputs'), 'forward'),
            outputs: sideFormat(point('outputs'), 'forward'),
            weights: sideFormat(point('weights'), 'forward'),
            errors: sideFormat(point('outputs'), 'backward'),
            weightGradients: sideFormat(point('weights'), 'backward'),
          });
          // The innermost module that made a Variable is its producer: a container returning its
          // last child's output unchanged (no outputs point of its own) does not take it over.
          if (!producers.has(output)) producers.set(output, path);
        },
        () => {
          const sample: Tensor = zeros([1, ...inputShape]);
          outputShape = [...model.forward(sample).shape];
        },
      ),
    );
  } finally {
    model.train(wasTraining);
    restoreVolatileState(model, volatile);
  }
  return { modules, outputShape };
}

/** The representation of a module's input as stored/multiplied: its inputs point, else its producer's outputs point, else float32. */
export function inputRepresentation(trace: ModelTrace, entry: TracedModule): Representation {
  if (entry.inputs !== undefined) return entry.inputs;
  const source = trace.modules.find((candidate) => candidate.path === entry.producer);
  return source?.outputs ?? FLOAT32;
}

export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
