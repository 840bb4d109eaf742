/**
 * Option checks shared by the update rules, and the recorded configuration of a definition:
 * every experiment records its exact configuration, so `definition.config` is plain data, with
 * formats written by their canonical names (parseFormat turns them back into formats).
 */
import { ArgumentError } from '@lowbit/tensor';

export function nonNegative(op: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ArgumentError(op, field, value, 'a finite number >= 0');
  return value;
}

export function inRange(op: string, field: string, value: unknown, low: number, high: number, hint?: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < low || value > high) {
    throw new ArgumentError(op, field, value, `a number in [${low}, ${high}]`, hint);
  }
  return value;
}

/** Formats become their names, functions a label; everything else is copied as plain data. */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? `function ${value.name || '(anonymous)'}` : value;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  const record = value as Record<string, unknown>;
  if (typeof record.quantize === 'function' && typeof record.name === 'string') return record.name;
  if (Array.isArray(value)) return value.map(plain);
  if (typeof record.samples === 'function') return 'recorder';
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined).map(([k, v]) => [k, plain(v)]));
}

/** The recorded configuration: the options as given, with the resolved defaults on top. */
export function configOf(options: object, resolved: Record<string, unknown>): Readonly<Record<string, unknown>> {
  return Object.freeze(plain({ ...options, ...resolved }) as Record<string, unknown>);
}
