import { FormatSpecError } from './errors.js';
import { binaryFormat } from './binary/index.js';
import { fixedPointFormat } from './fixed/index.js';
import { floatFormat } from './float/index.js';
import type { ElementFormat, ElementSpec } from './types.js';

/** The format of a plain-data spec (as stored in results, checkpoints and the golden files). */
export function formatFromSpec(spec: ElementSpec): ElementFormat {
  switch (spec?.kind) {
    case 'float':
      return floatFormat(spec);
    case 'fixed':
      return fixedPointFormat(spec);
    case 'binary':
      return binaryFormat(spec);
    default:
      throw new FormatSpecError('kind', (spec as { kind?: unknown })?.kind, "'float', 'fixed' or 'binary'");
  }
}
