/**
 * Output shapes of every module of a model for an input shape, worked out from the layers'
 * options instead of running the model: a summary of ImageNet ResNet-18 then costs nothing (a
 * forward pass on the reference backend takes seconds), and nothing of the model changes (batch
 * norm statistics, quantization point steps and streams). Each rule applies only to a module whose
 * `compute` is the class's own, so a subclass that computes something else is not mistaken for
 * its parent. Any other module is run once, alone, on zeros in evaluation mode without gradients,
 * with its modes restored afterwards; the modules inside it then have no shape of their own.
 */
import { noGrad } from '@lowbit/autograd';
import { AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, Dropout, Flatten, GlobalAvgPool2d, Hardtanh, Identity, Linear, MaxPool2d, ReLU, Residual, Sequential, type Module } from '@lowbit/nn';
import { ShapeError, conv2dAttributes, formatShape, pool2dAttributes, zeros } from '@lowbit/tensor';
import { ShiftOnlyBatchNorm1d, ShiftOnlyBatchNorm2d } from '../batch-norm.js';

type Shape = readonly number[];
type Propagate = (module: Module, shape: Shape) => number[];
type Rule = (module: never, shape: Shape, propagate: Propagate) => number[];
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any constructor of a module class
type ModuleClass = abstract new (...args: any[]) => Module;

const sameShape: Rule = (_module, shape) => [...shape];

function expectRank(label: string, shape: Shape, rank: number, layout: string): void {
  if (shape.length !== rank) throw new ShapeError(`${label}: expects input ${layout} (rank ${rank}), got shape ${formatShape(shape)}`, [shape]);
}

function expectAxis(label: string, shape: Shape, axis: number, expected: number, what: string, hint: string): void {
  const size = shape[axis < 0 ? shape.length + axis : axis];
  if (size !== expected) throw new ShapeError(`${label}: expects ${expected} ${what} on axis ${axis} of its input, got ${size} (input shape ${formatShape(shape)}); ${hint}`, [shape]);
}

const batchNormRule: Rule = (module: BatchNorm1d | BatchNorm2d, shape) => {
  expectAxis(module.label, shape, 1, module.numFeatures, 'channels', "check the previous layer's output channels");
  return [...shape];
};

/** Rules by class, most specific first (a ShiftOnlyBatchNorm2d is also a BatchNorm2d). */
const RULES: readonly (readonly [ModuleClass, Rule])[] = [
  [Sequential, (module: Sequential, shape, propagate) => module.layers().reduce<number[]>((current, layer) => propagate(layer, current), [...shape])],
  [
    Residual,
    (module: Residual, shape, propagate) => {
      const main = propagate(module.main, shape);
      const shortcut = module.shortcut === undefined ? [...shape] : propagate(module.shortcut, shape);
      if (formatShape(main) !== formatShape(shortcut)) {
        throw new ShapeError(`${module.label}: the main branch gives ${formatShape(main)} but the shortcut gives ${formatShape(shortcut)}; give a shortcut that matches`, [main, shortcut]);
      }
      return main;
    },
  ],
  [
    Conv2d,
    (module: Conv2d, shape) => {
      expectRank(module.label, shape, 4, '[batch, channels, height, width]');
      expectAxis(module.label, shape, 1, module.inChannels, 'channels', "check the previous layer's outChannels (inputs are NCHW)");
      const options = { stride: module.stride, padding: module.padding, dilation: module.dilation, groups: module.groups };
      return [...conv2dAttributes(module.label, shape, module.weight.shape, options).outShape];
    },
  ],
  [
    Linear,
    (module: Linear, shape) => {
      if (shape.length < 2) throw new ShapeError(`${module.label}: expects input [batch, ..., ${module.inFeatures}], got shape ${formatShape(shape)}`, [shape]);
      expectAxis(module.label, shape, -1, module.inFeatures, 'features', "check the previous layer's output size, or add a Flatten layer before this one");
      return [...shape.slice(0, -1), module.outFeatures];
    },
  ],
  [MaxPool2d, (module: MaxPool2d, shape) => [...pool2dAttributes(module.label, shape, module.options).outShape]],
  [AvgPool2d, (module: AvgPool2d, shape) => [...pool2dAttributes(module.label, shape, module.options).outShape]],
  [
    GlobalAvgPool2d,
    (module: GlobalAvgPool2d, shape) => {
      expectRank(module.label, shape, 4, '[batch, channels, height, width]');
      return module.keepDims ? [shape[0], shape[1], 1, 1] : [shape[0], shape[1]];
    },
  ],
  [
    Flatten,
    (module: Flatten, shape) => {
      const axis = (a: number) => (a < 0 ? shape.length + a : a);
      const [start, end] = [axis(module.startAxis), axis(module.endAxis)];
      if (!(start >= 0 && start <= end && end < shape.length)) throw new ShapeError(`${module.label}: cannot merge axes ${module.startAxis}..${module.endAxis} of shape ${formatShape(shape)}`, [shape]);
      return [...shape.slice(0, start), shape.slice(start, end + 1).reduce((a, b) => a * b, 1), ...shape.slice(end + 1)];
    },
  ],
  [ShiftOnlyBatchNorm1d, batchNormRule],
  [ShiftOnlyBatchNorm2d, batchNormRule],
  [BatchNorm1d, batchNormRule],
  [BatchNorm2d, batchNormRule],
  [ReLU, sameShape],
  [Hardtanh, sameShape],
  [Identity, sameShape],
  [Dropout, sameShape],
];

function computeOf(value: object): unknown {
  return (value as { compute?: unknown }).compute;
}

function ruleFor(module: Module): Rule | undefined {
  for (const [type, rule] of RULES) {
    if (module instanceof type) return computeOf(module) === computeOf(type.prototype) ? rule : undefined;
  }
  return undefined;
}

/** Runs a module the rules do not know on zeros, in evaluation mode without gradients, and restores its modes. */
function runOnce(module: Module, shape: Shape): number[] {
  const modes = module.namedModules().map(([, child]) => [child, child.training] as const);
  module.eval();
  try {
    return [...noGrad(() => module.forward(zeros(shape))).shape];
  } finally {
    // Parents come before their children, so each module ends with its own mode.
    for (const [child, training] of modes) child.train(training);
  }
}

/** The output shape of every module reached with `inputShape` (batch axis included) as the model's input. */
export function inferShapes(model: Module, inputShape: Shape): Map<Module, number[]> {
  const shapes = new Map<Module, number[]>();
  const propagate: Propagate = (module, shape) => {
    const rule = ruleFor(module);
    const output = rule === undefined ? runOnce(module, shape) : (rule as (module: Module, shape: Shape, propagate: Propagate) => number[])(module, shape, propagate);
    shapes.set(module, output);
    return output;
  };
  propagate(model, inputShape);
  return shapes;
}
