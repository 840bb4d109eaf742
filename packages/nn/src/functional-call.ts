/**
 * functionalCall: runs a module with some parameters replaced by other values (torch.func.
 * functional_call). The gradient check of whole layers uses it: it perturbs the weight as an
 * input, which a Parameter cannot be. Nothing of the module changes; the replacements hold only
 * during the call.
 */
import { Variable, type Input } from '@lowbit/autograd';
import { ShapeError, Tensor, formatShape } from '@lowbit/tensor';
import { ModuleError } from './errors.js';
import type { Module } from './module.js';

export function functionalCall(module: Module, parameters: Record<string, Input>, input: Input): Variable {
  const byModule = new Map<Module, Map<string, Variable>>();
  const known = new Map(module.namedParameters());
  for (const [name, value] of Object.entries(parameters)) {
    const parameter = known.get(name);
    if (parameter === undefined) throw new ModuleError(`functionalCall: ${module.label} has no parameter ${JSON.stringify(name)} (parameters: ${[...known.keys()].join(', ') || 'none'})`);
    const replacement = value instanceof Variable ? value : value instanceof Tensor ? new Variable(value) : undefined;
    if (replacement === undefined) throw new ModuleError(`functionalCall: the value for ${JSON.stringify(name)} must be a Variable or a Tensor`);
    if (replacement.rank !== parameter.rank || replacement.shape.some((d, i) => d !== parameter.shape[i])) {
      throw new ShapeError(`functionalCall: ${JSON.stringify(name)} has shape ${formatShape(parameter.shape)} but the replacement has ${formatShape(replacement.shape)}`, [parameter.shape, replacement.shape]);
    }
    const cut = name.lastIndexOf('.');
    const owner = cut < 0 ? module : module.module(name.slice(0, cut));
    const table = byModule.get(owner) ?? new Map<string, Variable>();
    table.set(cut < 0 ? name : name.slice(cut + 1), replacement);
    byModule.set(owner, table);
  }
  for (const [owner, table] of byModule) owner.setSubstitutes(table);
  try {
    return module.forward(input);
  } finally {
    for (const owner of byModule.keys()) owner.setSubstitutes(undefined);
  }
}
