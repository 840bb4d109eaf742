/**
 * Sequential: runs its children in order. `new Sequential(a, b, c)` names them '0', '1', '2' (as
 * PyTorch); `new Sequential({ conv1: a, bn1: b })` keeps the given names.
 */
import type { Variable } from '@lowbit/autograd';
import { ArgumentError } from '@lowbit/tensor';
import { Module } from '../module.js';

export class Sequential extends Module {
  constructor(...layers: Module[] | [Record<string, Module>]) {
    super();
    const first = layers[0];
    const named = layers.length === 1 && !(first instanceof Module) && first !== null && typeof first === 'object';
    const entries: [string, unknown][] = named ? Object.entries(first) : layers.map((layer, i) => [String(i), layer]);
    for (const [name, layer] of entries) {
      if (!(layer instanceof Module)) throw new ArgumentError('Sequential', `layers[${JSON.stringify(name)}]`, layer, 'a Module');
      this.addModule(name, layer);
    }
  }

  override get type(): string {
    return 'Sequential';
  }

  /** Adds a layer at the end, named by its position unless a name is given. */
  append(layer: Module, name = String(this.length)): this {
    this.addModule(name, layer);
    return this;
  }

  get length(): number {
    return this.children().length;
  }

  /** The layers in order. */
  layers(): Module[] {
    return this.children().map(([, layer]) => layer);
  }

  protected compute(x: Variable): Variable {
    let y = x;
    for (const [, layer] of this.children()) y = layer.forward(y);
    return y;
  }
}
