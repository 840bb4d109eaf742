/**
 * Parameter lists. Optimizers take parameters, not modules (DESIGN: optim never imports nn), in
 * whatever shape the caller has them: Parameters, `{ name, parameter }` records, `[name, parameter]`
 * entries (a Map, `Object.entries(...)`, a module's named parameters). Every parameter gets a
 * unique name: state, checkpoints, statistics and routing errors are keyed by it.
 */
import { Parameter } from '@lowbit/autograd';
import { ParameterListError, describe } from './errors.js';

export interface NamedParameter {
  readonly name: string;
  readonly parameter: Parameter;
}

/** One entry of a parameter list. */
export type ParameterEntry = Parameter | NamedParameter | readonly [string, Parameter];

/** What optimizers accept: any iterable of entries (an array, a Map, a generator). */
export type ParameterInput = Iterable<ParameterEntry>;

/**
 * Names every parameter: the given name, else `parameter.name`, else `parameter<index>`. Throws
 * ParameterListError for a non-parameter, for the same Parameter listed twice (it would be updated
 * twice per step) and for two parameters with one name (their state would collide).
 */
export function nameParameters(input: ParameterInput, op: string): NamedParameter[] {
  if (input === null || typeof input !== 'object' || typeof (input as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new ParameterListError(
      `${op}: parameters must be an iterable of Parameters, { name, parameter } records or [name, parameter] entries, got ${describe(input)}`,
      input,
    );
  }
  const named: NamedParameter[] = [];
  const byName = new Map<string, number>();
  const seen = new Map<Parameter, string>();
  let index = 0;
  for (const entry of input) {
    const { name, parameter } = resolveEntry(entry, index, op);
    const previous = seen.get(parameter);
    if (previous !== undefined) {
      throw new ParameterListError(
        `${op}: the parameter ${JSON.stringify(name)} is listed twice (also as ${JSON.stringify(previous)}); each parameter may appear once, or it would be updated twice per step`,
        entry,
      );
    }
    if (byName.has(name)) {
      throw new ParameterListError(
        `${op}: two parameters are named ${JSON.stringify(name)} (entries ${byName.get(name)} and ${index}); names key the optimizer state. Pass { name, parameter } records with unique names`,
        entry,
      );
    }
    seen.set(parameter, name);
    byName.set(name, index);
    named.push({ name, parameter });
    index++;
  }
  return named;
}

function resolveEntry(entry: ParameterEntry, index: number, op: string): NamedParameter {
  if (entry instanceof Parameter) return { name: entry.name ?? `parameter${index}`, parameter: entry };
  if (Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' && entry[1] instanceof Parameter) {
    return { name: entry[0], parameter: entry[1] };
  }
  const record = entry as Partial<NamedParameter>;
  if (record !== null && typeof record === 'object' && record.parameter instanceof Parameter) {
    const name = record.name ?? record.parameter.name ?? `parameter${index}`;
    if (typeof name !== 'string') throw new ParameterListError(`${op}: entry ${index} has name ${describe(name)}; names are strings`, entry);
    return { name, parameter: record.parameter };
  }
  throw new ParameterListError(
    `${op}: entry ${index} is ${describe(entry)}, not a Parameter, { name, parameter } or [name, parameter]. ` +
      'Make trainable values with parameter(tensor, { name }) from @lowbit/autograd',
    entry,
  );
}

/** The format kind a parameter is stored in ('binary', 'float', 'fixed', 'scaled', 'block'), or 'float32' without a format. */
export function parameterFormatKind(parameter: Parameter): string {
  return parameter.format === undefined ? 'float32' : parameter.format.spec.kind;
}

/** True for a parameter stored in a binary format (±scale): what Bop trains. */
export function isBinaryParameter(parameter: Parameter): boolean {
  return parameterFormatKind(parameter) === 'binary';
}
