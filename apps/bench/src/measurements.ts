/**
 * Per-point value histograms against the representable range of the formats, recorded by every
 * training experiment (memory and energy come from @lowbit/training's reports).
 */
import { parseFormat, type NumberFormat } from '@lowbit/formats';
import { quantizationStatistics, type Module } from '@lowbit/nn';
import type { ValueHistogram } from './results/types.js';

/** log2 of the smallest positive and the largest finite value of a format, moved by an exponent offset (values are multiplied by 2^offset before rounding). */
export function representableExponents(format: NumberFormat, offset = 0): { minExponent: number; maxExponent: number } | null {
  // Tensor formats (scaled, block) have a range per group, not one: no single interval to draw.
  if (!('range' in format)) return null;
  const { max, smallestSubnormal } = format.range;
  if (!(max > 0) || !(smallestSubnormal > 0)) return null;
  return { minExponent: Math.log2(smallestSubnormal) - offset, maxExponent: Math.log2(max) - offset };
}

/**
 * The latest exponent histogram of every quantization point side that recorded one, with the
 * format's range in the value domain (so the report can draw both on one axis).
 */
export function pointHistograms(model: Module, formats: Record<string, string>): ValueHistogram[] {
  const histograms: ValueHistogram[] = [];
  for (const entry of quantizationStatistics(model)) {
    const latest = entry.latest;
    if (latest === undefined) continue;
    for (const [side, statistics] of [['forward', latest.forward], ['backward', latest.backward]] as const) {
      const histogram = statistics?.histogram;
      if (statistics === undefined || histogram === undefined) continue;
      const formatName = formatOfSide(entry.role, side, formats);
      const bins: Record<string, number> = {};
      // The histogram is of the values as the format sees them (after the offset): shift back to the value domain.
      const offset = statistics.offset ?? 0;
      histogram.counts.forEach((count, index) => {
        if (count > 0) bins[String(histogram.minExponent + index - offset)] = count;
      });
      let range: ValueHistogram['range'] = null;
      try {
        range = formatName === undefined ? null : representableExponents(parseFormat(formatName), offset);
      } catch {
        range = null; // a custom format without a parseable name: the histogram alone is still useful
      }
      histograms.push({ name: `${entry.layer}.${entry.role}.${side}`, format: formatName ?? 'unknown', bins, range });
    }
  }
  return histograms;
}

function formatOfSide(role: string, side: 'forward' | 'backward', formats: Record<string, string>): string | undefined {
  if (role === 'weights') return side === 'forward' ? formats.weights : formats.weightGradients;
  if (role === 'outputs') return side === 'forward' ? formats.activations : formats.errors;
  return formats.activations;
}
