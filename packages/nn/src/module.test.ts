import { tensor, zeros } from '@lowbit/tensor';
import { type Variable } from '@lowbit/autograd';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Dropout, Linear, ReLU, Residual, Sequential } from './layers/index.js';
import { Module } from './module.js';
import { ModuleError } from './errors.js';
import { functionalCall } from './functional-call.js';

class Block extends Module {
  readonly fc: Linear;
  readonly norm: BatchNorm1d;
  constructor() {
    super();
    this.fc = this.addModule('fc', new Linear({ inFeatures: 3, outFeatures: 2, seed: 1 }));
    this.norm = this.addModule('norm', new BatchNorm1d({ numFeatures: 2 }));
    this.addBuffer('scale', tensor([2]));
  }
  protected compute(x: Variable): Variable {
    return this.norm.forward(this.fc.forward(x));
  }
  tryName(name: string): void {
    this.addBuffer(name, zeros([1]));
  }
  tryAdd(name: string, module: Module): void {
    this.addModule(name, module);
  }
}

describe('Module: names and traversal', () => {
  const model = () => new Sequential({ block: new Block(), relu: new ReLU(), head: new Linear({ inFeatures: 2, outFeatures: 1, seed: 2 }) });

  it('gives every parameter and buffer a stable dotted name in registration order', () => {
    const m = model();
    expect(m.namedParameters().map(([name]) => name)).toEqual(['block.fc.weight', 'block.fc.bias', 'block.norm.weight', 'block.norm.bias', 'head.weight', 'head.bias']);
    expect(m.namedBuffers().map(([name]) => name)).toEqual(['block.scale', 'block.norm.runningMean', 'block.norm.runningVar', 'block.norm.numBatchesTracked']);
    expect(m.namedModules().map(([name, module]) => `${name}:${module.type}`)).toEqual([':Sequential', 'block:Block', 'block.fc:Linear', 'block.norm:BatchNorm1d', 'relu:ReLU', 'head:Linear']);
    expect(m.parameters()).toHaveLength(6);
    expect(m.module('block.fc').path).toBe('block.fc');
    expect(m.module('block.fc').label).toBe('Linear "block.fc"');
    expect(() => m.module('block.conv')).toThrow('Sequential: no module "block.conv": Block "block" has children fc, norm');
  });

  it('numbers Sequential children from 0 and can append', () => {
    const s = new Sequential(new ReLU(), new ReLU());
    s.append(new ReLU()).append(new ReLU(), 'last');
    expect(s.children().map(([name]) => name)).toEqual(['0', '1', '2', 'last']);
    expect(s.length).toBe(4);
  });

  it('rejects bad names, taken names, a module added twice or into itself', () => {
    const block = new Block();
    expect(() => block.tryName('a.b')).toThrow(ModuleError);
    expect(() => block.tryName('a.b')).toThrow('Block: invalid buffer name "a.b": use letters, digits and _');
    expect(() => block.tryName('fc')).toThrow('Block: the name "fc" is already taken');
    const relu = new ReLU();
    new Sequential(relu);
    expect(() => new Sequential(relu)).toThrow('cannot add ReLU "0" as "0": it is already a child; a module has one place in the tree');
    const outer = new Sequential();
    const inner = new Block();
    outer.append(inner);
    expect(() => inner.tryAdd('loop', outer)).toThrow('it would contain itself');
    expect(() => new Sequential(3 as never)).toThrow('Sequential: invalid layers["0"]: 3 (allowed: a Module)');
  });

  it('train() and eval() reach every descendant', () => {
    const m = model();
    m.eval();
    expect(m.namedModules().every(([, module]) => !module.training)).toBe(true);
    m.train();
    expect(m.namedModules().every(([, module]) => module.training)).toBe(true);
  });

  it("zeroGrad forgets every gradient; a parameter shared by two modules is listed once, under its first name (own parameters before the children's, as in PyTorch)", () => {
    const m = model();
    const x = tensor([[1, 2, 3], [0, -1, 2]]);
    m.forward(x).backward({ gradient: tensor([[1], [1]]) });
    expect(m.parameters().every((p) => p.grad !== null)).toBe(true);
    m.zeroGrad();
    expect(m.parameters().every((p) => p.grad === null)).toBe(true);
    class Tied extends Module {
      constructor(shared: Linear) {
        super();
        this.addModule('a', shared);
        this.registerParameter('alias', shared.weight);
      }
      protected compute(x: Variable): Variable {
        return x;
      }
    }
    expect(new Tied(new Linear({ inFeatures: 2, outFeatures: 2 })).namedParameters().map(([name]) => name)).toEqual(['alias', 'a.bias']);
  });

  it('prints the tree', () => {
    const text = String(new Sequential(new Linear({ inFeatures: 4, outFeatures: 2, bias: false }), new Residual({ main: new ReLU() }), new Dropout({ p: 0.25 })));
    expect(text).toBe(
      ['Sequential(', '  (0): Linear(inFeatures=4, outFeatures=2, bias=false)', '  (1): Residual(', '    (main): ReLU()', '  )', '  (2): Dropout(p=0.25)', ')'].join('\n'),
    );
  });

  it('functionalCall runs with replaced parameters and restores them', () => {
    const layer = new Linear({ inFeatures: 2, outFeatures: 1, seed: 3 });
    const x = tensor([[1, 2]]);
    const y = functionalCall(layer, { weight: tensor([[10, 100]]), bias: tensor([0.5]) }, x);
    expect(y.toArray()).toEqual([210.5]);
    expect(layer.forward(x).toArray()).not.toEqual([210.5]);
    expect(() => functionalCall(layer, { weights: tensor([[1, 1]]) }, x)).toThrow('functionalCall: Linear has no parameter "weights" (parameters: weight, bias)');
    expect(() => functionalCall(layer, { weight: tensor([1, 1]) }, x)).toThrow('functionalCall: "weight" has shape [1,2] but the replacement has [2]');
  });

  it('forward takes Variables or Tensors only', () => {
    expect(() => new ReLU().forward([1, 2] as never)).toThrow('ReLU: invalid input: [1,2] (allowed: a Variable or a Tensor)');
  });
});
