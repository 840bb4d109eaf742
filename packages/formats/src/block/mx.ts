/** The OCP MX v1.0 concrete formats as TensorFormats (specs and sources: ./mx-specs.ts). */
import { UnknownFormatError } from '../errors.js';
import { formatFromSpec } from '../from-spec.js';
import { blockFormat, type BlockFormat } from './index.js';
import { MX_FORMAT_NAMES, MX_SPECS, type MxFormatName } from './mx-specs.js';

function build(name: MxFormatName): BlockFormat {
  const { element, blockSize, scale, axis } = MX_SPECS[name];
  return blockFormat({ element: formatFromSpec(element), blockSize, scale, axis });
}

/** mxfp8_e4m3, mxfp8_e5m2, mxfp6_e3m2, mxfp6_e2m3, mxfp4_e2m1, mxint8: name -> format. */
export const MX_FORMATS: Readonly<Record<MxFormatName, BlockFormat>> = Object.freeze(
  Object.fromEntries(MX_FORMAT_NAMES.map((name) => [name, build(name)])) as Record<MxFormatName, BlockFormat>,
);

export function isMxFormatName(name: string): name is MxFormatName {
  return (MX_FORMAT_NAMES as readonly string[]).includes(name);
}

/** The MX preset of this name; throws UnknownFormatError listing the presets for any other name. */
export function mxFormat(name: MxFormatName): BlockFormat {
  if (typeof name !== 'string' || !isMxFormatName(name)) {
    throw new UnknownFormatError(String(name), `The OCP MX v1.0 formats are ${MX_FORMAT_NAMES.join(', ')}`);
  }
  return MX_FORMATS[name];
}
