/** Small helpers shared by the tests: parameters from numbers and gradients set by hand. */
import { parameter, type Parameter, type ParameterOptions } from '@lowbit/autograd';
import { tensor } from '@lowbit/tensor';

export function param(values: readonly number[] | Float32Array, options: ParameterOptions & { shape?: number[] } = {}): Parameter {
  const { shape, ...rest } = options;
  return parameter(tensor(Float32Array.from(values), shape ?? [values.length]), rest);
}

export function setGrad(p: Parameter, values: readonly number[] | Float32Array): void {
  p.grad = tensor(Float32Array.from(values), p.shape);
}

export function values(p: Parameter): number[] {
  return Array.from(p.value.data());
}
