/**
 * Names of float specs. A spec that is exactly an ml_dtypes type (or float32) takes that type's
 * name; any other spec gets the generic name
 *   e<E>m<M>[_b<bias>][_fn|_fnuz|_finite|_e8m0][_nosub][_infinity|_nan|_saturate]
 * where the bias appears when it is not 2^(E-1)-1 and the overflow when it is not the default for
 * the specials. An overflow suffix also follows an ml_dtypes name ("float8_e4m3fn_saturate").
 */
import type { FloatSpec } from '../types.js';
import { defaultOverflow } from './spec.js';

type Fields = Omit<FloatSpec, 'kind' | 'overflow'>;

/** ml_dtypes' float types, with exactly ml_dtypes' meaning (ml_dtypes "fn" on float6/float4 = "finite"). */
export const NAMED_FLOATS: Readonly<Record<string, Fields>> = {
  float32: { exponentBits: 8, mantissaBits: 23, bias: 127, subnormals: true, specials: 'ieee' },
  float16: { exponentBits: 5, mantissaBits: 10, bias: 15, subnormals: true, specials: 'ieee' },
  bfloat16: { exponentBits: 8, mantissaBits: 7, bias: 127, subnormals: true, specials: 'ieee' },
  float8_e3m4: { exponentBits: 3, mantissaBits: 4, bias: 3, subnormals: true, specials: 'ieee' },
  float8_e4m3: { exponentBits: 4, mantissaBits: 3, bias: 7, subnormals: true, specials: 'ieee' },
  float8_e4m3fn: { exponentBits: 4, mantissaBits: 3, bias: 7, subnormals: true, specials: 'fn' },
  float8_e4m3fnuz: { exponentBits: 4, mantissaBits: 3, bias: 8, subnormals: true, specials: 'fnuz' },
  float8_e4m3b11fnuz: { exponentBits: 4, mantissaBits: 3, bias: 11, subnormals: true, specials: 'fnuz' },
  float8_e5m2: { exponentBits: 5, mantissaBits: 2, bias: 15, subnormals: true, specials: 'ieee' },
  float8_e5m2fnuz: { exponentBits: 5, mantissaBits: 2, bias: 16, subnormals: true, specials: 'fnuz' },
  float8_e8m0fnu: { exponentBits: 8, mantissaBits: 0, bias: 127, subnormals: false, specials: 'e8m0' },
  float6_e2m3fn: { exponentBits: 2, mantissaBits: 3, bias: 1, subnormals: true, specials: 'finite' },
  float6_e3m2fn: { exponentBits: 3, mantissaBits: 2, bias: 3, subnormals: true, specials: 'finite' },
  float4_e2m1fn: { exponentBits: 2, mantissaBits: 1, bias: 1, subnormals: true, specials: 'finite' },
};

export const OVERFLOW_SUFFIXES = ['infinity', 'nan', 'saturate'] as const;

function sameFields(a: Fields, spec: FloatSpec): boolean {
  return (
    a.exponentBits === spec.exponentBits &&
    a.mantissaBits === spec.mantissaBits &&
    a.bias === spec.bias &&
    a.subnormals === spec.subnormals &&
    a.specials === spec.specials
  );
}

export function floatFormatName(spec: FloatSpec): string {
  const overflowSuffix = spec.overflow === defaultOverflow(spec.specials) ? '' : `_${spec.overflow}`;
  for (const [name, fields] of Object.entries(NAMED_FLOATS)) {
    if (sameFields(fields, spec)) return name + overflowSuffix;
  }
  const defaultBias = 2 ** (spec.exponentBits - 1) - 1;
  let name = `e${spec.exponentBits}m${spec.mantissaBits}`;
  if (spec.bias !== defaultBias) name += `_b${spec.bias}`;
  if (spec.specials !== 'ieee') name += `_${spec.specials}`;
  if (!spec.subnormals && spec.specials !== 'e8m0') name += '_nosub';
  return name + overflowSuffix;
}

const GENERIC = /^e([0-9]+)m([0-9]+)(?:_b(-?[0-9]+))?(?:_(fn|fnuz|finite|e8m0))?(_nosub)?(?:_(infinity|nan|saturate))?$/;

/** The spec fields a float name stands for, or undefined when it is not a float name. */
export function parseFloatName(name: string): (Fields & { overflow?: FloatSpec['overflow'] }) | undefined {
  const suffix = OVERFLOW_SUFFIXES.find((s) => name.endsWith(`_${s}`));
  const base = suffix ? name.slice(0, -(suffix.length + 1)) : name;
  const named = Object.hasOwn(NAMED_FLOATS, base) ? NAMED_FLOATS[base] : undefined;
  if (named) return { ...named, ...(suffix ? { overflow: suffix } : {}) };
  const match = GENERIC.exec(name);
  if (!match) return undefined;
  const exponentBits = Number(match[1]);
  const specials = (match[4] ?? 'ieee') as FloatSpec['specials'];
  return {
    exponentBits,
    mantissaBits: Number(match[2]),
    bias: match[3] !== undefined ? Number(match[3]) : 2 ** (exponentBits - 1) - 1,
    subnormals: specials === 'e8m0' ? false : match[5] === undefined,
    specials,
    ...(match[6] ? { overflow: match[6] as FloatSpec['overflow'] } : {}),
  };
}
