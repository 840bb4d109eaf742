/**
 * Hints for format names that do not parse: the lower-case spelling, common aliases of other
 * tools (fp16, bf16, e4m3fn, ...) and known names a few edits away. Names are matched exactly, so
 * an alias is only ever suggested, never silently accepted (one name per format keeps results,
 * checkpoints and docs unambiguous).
 */

export const FORMATS_DOC = 'docs/formats.md';

export const GENERIC_FLOAT_GRAMMAR = 'e<E>m<M>[_b<bias>][_fn|_fnuz|_finite|_e8m0][_nosub][_infinity|_nan|_saturate]';

/** Spellings used by other tools, mapped to the name of the same format here. */
const ALIASES: Readonly<Record<string, string | readonly string[]>> = {
  fp32: 'float32',
  f32: 'float32',
  float: 'float32',
  single: 'float32',
  fp16: 'float16',
  f16: 'float16',
  half: 'float16',
  binary16: 'float16',
  bf16: 'bfloat16',
  fp8: ['float8_e4m3fn', 'float8_e5m2'],
  fp8_e4m3: 'float8_e4m3fn',
  fp8_e5m2: 'float8_e5m2',
  fp6: ['float6_e3m2fn', 'float6_e2m3fn'],
  fp6_e2m3: 'float6_e2m3fn',
  fp6_e3m2: 'float6_e3m2fn',
  fp4: 'float4_e2m1fn',
  fp4_e2m1: 'float4_e2m1fn',
};

/** OCP spells its formats E4M3, E5M2, ...; lower-cased they are generic IEEE-style names here. */
const OCP_SPELLINGS: Readonly<Record<string, string>> = {
  e4m3: 'float8_e4m3fn',
  e5m2: 'float8_e5m2',
  e3m2: 'float6_e3m2fn',
  e2m3: 'float6_e2m3fn',
  e2m1: 'float4_e2m1fn',
};

/** Names that other tools use for formats this package does not model. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  float8_e5m3fnu: 'It is ml_dtypes\' unsigned float8_e5m3fnu; floats here have a sign bit, except the MX scale float8_e8m0fnu.',
  float64: 'Formats here round float32 values; float64 is wider than the float32 they start from.',
  int4: 'Integers are fixed point formats with fractionBits 0: "fixed_w4_f0" (signed) or "ufixed_w4_f0".',
  int8: 'Integers are fixed point formats with fractionBits 0: "fixed_w8_f0" (signed) or "ufixed_w8_f0".',
  uint8: 'Integers are fixed point formats with fractionBits 0: "ufixed_w8_f0".',
};

export interface HintOptions {
  /** Whether a name parses (passed in, so this module needs no parser). */
  parses: (name: string) => boolean;
  /** Known names to compare by prefix and edit distance. */
  knownNames: readonly string[];
}

/**
 * A hint for an unknown name, in sentences: what is not supported, exact corrections that parse
 * (lower case, aliases of other tools) or else known names that start the same or are a few edits
 * away, the generic float grammar for names that look like one, and where names are documented.
 */
export function unknownNameHint(name: string, options: HintOptions): string {
  const sentences: string[] = [];
  const lower = name.toLowerCase();
  if (Object.hasOwn(UNSUPPORTED, lower)) sentences.push(UNSUPPORTED[lower]);
  const corrections = correctionsOf(name).filter((candidate) => candidate !== name && options.parses(candidate));
  if (lower !== name && corrections.includes(lower)) sentences.push('Format names are lower case.');
  if (lower !== name && Object.hasOwn(OCP_SPELLINGS, lower)) {
    sentences.push(`OCP's ${name} is "${OCP_SPELLINGS[lower]}"; "${lower}" here is an IEEE-style float with Inf and NaN.`);
  }
  const suggestions = corrections.length > 0 ? corrections : nearNames(lower, options.knownNames);
  if (suggestions.length > 0) sentences.push(`Did you mean ${suggestions.slice(0, 3).map((s) => JSON.stringify(s)).join(', ')}?`);
  if (corrections.length === 0 && /^e[0-9]+m[0-9]+/.test(lower)) {
    sentences.push(`Generic float names are ${GENERIC_FLOAT_GRAMMAR}, in this order.`);
  }
  sentences.push(`Every name and its grammar: ${FORMATS_DOC}`);
  return sentences.join(' ');
}

/** Exact corrections of a name, most specific first (they are kept only if they parse). */
function correctionsOf(name: string): string[] {
  const lower = name.toLowerCase();
  const candidates: string[] = [];
  if (lower !== name && Object.hasOwn(OCP_SPELLINGS, lower)) candidates.push(OCP_SPELLINGS[lower]);
  candidates.push(lower);
  if (Object.hasOwn(ALIASES, lower)) candidates.push(...[ALIASES[lower]].flat());
  // "fp8_e4m3fn" -> "float8_e4m3fn"; "e4m3fnuz" -> "float8_e4m3fnuz"
  candidates.push(lower.replace(/^fp([0-9]+)/, 'float$1'));
  for (const width of [8, 6, 4]) candidates.push(`float${width}_${lower}`);
  return [...new Set(candidates)];
}

/** Known names that extend the name, then those within a small edit distance, closest first. */
function nearNames(lower: string, knownNames: readonly string[]): string[] {
  const extensions = lower.length >= 4 ? knownNames.filter((known) => known.startsWith(lower)) : [];
  const limit = Math.max(2, Math.floor(lower.length / 4));
  const near = knownNames
    .map((known) => ({ known, distance: editDistance(lower, known) }))
    .filter(({ distance }) => distance <= limit)
    .sort((a, b) => a.distance - b.distance || a.known.localeCompare(b.known))
    .map(({ known }) => known);
  return [...new Set([...extensions, ...near])];
}

/** Levenshtein distance (insertions, deletions and substitutions cost 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, previous[j] + 1, current[j - 1] + 1));
    }
    previous = current;
  }
  return previous[b.length];
}
