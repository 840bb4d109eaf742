/**
 * Format names to formats. Every format's `name` parses back to an equal format, and every
 * ml_dtypes type name means exactly what it means in ml_dtypes (docs/formats.md, "Names").
 *
 * Names are matched exactly and are lower case, like ml_dtypes' names: "BFloat16" is not
 * accepted, but the error suggests "bfloat16". Several spellings may describe one spec
 * ("e4m3_fn" and "float8_e4m3fn"); the format's `name` is always the canonical one.
 */
import { tensorFormatFromName } from './block/names.js';
import { describe, FormatSpecError, UnknownFormatError } from './errors.js';
import { fixedOrBinaryFromName } from './fixed/names.js';
import { floatFormat } from './float/index.js';
import { NAMED_FLOATS, parseFloatName } from './float/names.js';
import { unknownNameHint } from './name-hints.js';
import { PRESETS } from './presets.js';
import type { ElementFormat, NumberFormat } from './types.js';

/** The format a name stands for: an element format or a scaled/block (tensor) format. */
export function parseFormat(name: string): NumberFormat {
  checkName(name);
  const element = elementOrUndefined(name);
  if (element) return element;
  const tensor = tensorFormatFromName(name, elementFormatFromName);
  if (tensor) return tensor;
  throw unknownName(name);
}

/** The element format (float, fixed point, binary) a name stands for; tensor format names throw. */
export function elementFormatFromName(name: string): ElementFormat {
  checkName(name);
  const element = elementOrUndefined(name);
  if (element) return element;
  const tensor = tensorFormatFromName(name, elementFormatFromName);
  if (tensor) {
    throw new UnknownFormatError(
      name,
      `It names a scaled/block format (shared scales); an element format is needed here, such as its element "${tensor.element.name}"`,
    );
  }
  throw unknownName(name);
}

function elementOrUndefined(name: string): ElementFormat | undefined {
  const floatFields = parseFloatName(name);
  if (floatFields) {
    try {
      return floatFormat(floatFields);
    } catch (error) {
      // The name is well formed but its spec is impossible (e9m3, e4m3_fn_infinity): say which field.
      if (error instanceof FormatSpecError) {
        const base = `invalid ${error.field}: ${describe(error.value)} (allowed: ${error.allowed})`;
        const originalHint = error.message.startsWith(`${base}. `) ? ` (${error.message.slice(base.length + 2)})` : '';
        throw new FormatSpecError(error.field, error.value, error.allowed, `In format name ${JSON.stringify(name)}${originalHint}`);
      }
      throw error;
    }
  }
  return fixedOrBinaryFromName(name);
}

function checkName(name: unknown): asserts name is string {
  if (typeof name !== 'string') {
    throw new UnknownFormatError(String(name), `A format name is a string such as "float8_e4m3fn", not ${typeof name}`);
  }
}

let knownNames: readonly string[] | undefined;

function unknownName(name: string): UnknownFormatError {
  knownNames ??= [...new Set([...Object.keys(PRESETS), ...Object.keys(NAMED_FLOATS)])];
  return new UnknownFormatError(name, unknownNameHint(name, { parses: isElementOrTensorName, knownNames }));
}

function isElementOrTensorName(name: string): boolean {
  try {
    return elementOrUndefined(name) !== undefined || tensorFormatFromName(name, elementFormatFromName) !== undefined;
  } catch {
    return false;
  }
}
