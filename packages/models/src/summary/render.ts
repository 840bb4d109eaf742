/**
 * The text form of a summary, laid out like larq.models.summary: one row per layer with its input
 * bits, output shape (N for the batch axis), values per bit width, memory in KiB (8 * 1024 bits,
 * Larq's "kB") and MACs per precision, a total row, then the model totals.
 */
import { renderTextTable, type TableColumn } from '@lowbit/formats';
import type { ByBits, ModelSummary } from './summary.js';

export interface RenderSummaryOptions {
  /** First line. Default 'Model summary'. */
  title?: string;
}

const integer = (value: number) => value.toLocaleString('en-US');
const kibibytes = (bits: number) => (bits / 8192).toFixed(2);
const bitWidths = (counts: readonly (ByBits | undefined)[]) => [...new Set(counts.flatMap((count) => Object.keys(count ?? {}).map(Number)))].sort((a, b) => a - b);

function byBitsText(counts: ByBits, unit: string): string {
  return bitWidths([counts])
    .map((bits) => `${bits}-bit ${integer(counts[bits])}${unit}`)
    .join(', ');
}

/** The summary as an aligned text table followed by the totals. */
export function renderSummary(summary: ModelSummary, options: RenderSummaryOptions = {}): string {
  const parameterBits = bitWidths(summary.layers.map((layer) => layer.parameters));
  const macBits = bitWidths(summary.layers.map((layer) => layer.macs));
  const columns: TableColumn[] = [
    { key: 'layer', title: 'layer', align: 'left' },
    { key: 'type', title: 'type', align: 'left' },
    { key: 'inputBits', title: 'input bits', align: 'right' },
    { key: 'outputs', title: 'outputs', align: 'right' },
    ...parameterBits.map((bits): TableColumn => ({ key: `parameters${bits}`, title: `# ${bits}-bit`, align: 'right' })),
    { key: 'memory', title: 'memory KiB', align: 'right' },
    ...macBits.map((bits): TableColumn => ({ key: `macs${bits}`, title: `${bits}-bit MACs`, align: 'right' })),
  ];
  const rows = summary.layers.map((layer) => [
    layer.name === '' ? '(model)' : layer.name,
    layer.type,
    layer.inputBits === undefined ? '-' : String(layer.inputBits),
    layer.outputShape === undefined ? '?' : `[N,${layer.outputShape.join(',')}]`,
    ...parameterBits.map((bits) => integer(layer.parameters[bits] ?? 0)),
    kibibytes(layer.memoryBits),
    ...macBits.map((bits) => (layer.macs === undefined ? '?' : integer(layer.macs[bits] ?? 0))),
  ]);
  const { totals } = summary;
  rows.push([
    'total',
    '',
    '',
    '',
    ...parameterBits.map((bits) => integer(totals.parametersByBits[bits] ?? 0)),
    kibibytes(totals.memoryBits),
    ...macBits.map((bits) => integer(totals.macsByBits[bits] ?? 0)),
  ]);
  const lines = [
    `${options.title ?? 'Model summary'}: input [N,${summary.inputShape.join(',')}], output [N,${summary.outputShape.join(',')}], batch norm ${summary.batchNorm}`,
    renderTextTable({ columns, rows }, { maxCellWidth: 80 }).trimEnd(),
    `parameters   ${integer(totals.parameters)} (trainable ${integer(totals.trainable)}, non-trainable ${integer(totals.nonTrainable)}; ${byBitsText(totals.parametersByBits, '') || 'none'})`,
    `memory       ${kibibytes(totals.memoryBits)} KiB (float32 ${kibibytes(totals.float32MemoryBits)} KiB, ${totals.compressionRatio.toFixed(2)}x smaller)`,
    `MACs/sample  ${integer(totals.macs)}${totals.macs === 0 ? '' : ` (${byBitsText(totals.macsByBits, '')}; binary fraction ${totals.binaryMacFraction.toFixed(4)})`}`,
  ];
  return `${lines.join('\n')}\n`;
}
