/**
 * A table of formats (layout, range, special values, users) as plain strings, and two renderings:
 * Markdown for docs/formats.md and aligned plain text for terminals.
 */
import { PRESET_INFO } from './presets.js';
import type { ElementFormat, NumberFormat, TensorFormat } from './types.js';

export type FormatTableColumnKey =
  | 'name'
  | 'bits'
  | 'layout'
  | 'max'
  | 'smallestNormal'
  | 'smallestSubnormal'
  | 'infinity'
  | 'nan'
  | 'negativeZero'
  | 'usedBy';

export interface TableColumn<K extends string = string> {
  key: K;
  title: string;
  align: 'left' | 'right' | 'center';
}

/** Rows of string cells, one per column, in column order. */
export interface Table<K extends string = string> {
  columns: readonly TableColumn<K>[];
  rows: readonly (readonly string[])[];
}

export type FormatTable = Table<FormatTableColumnKey>;

export interface FormatTableOptions {
  /** The "used by" cell of a format. Default: PRESET_INFO[format.name].usedBy, else empty. */
  usedBy?: (format: NumberFormat) => string;
}

const COLUMNS: readonly TableColumn<FormatTableColumnKey>[] = [
  { key: 'name', title: 'name', align: 'left' },
  { key: 'bits', title: 'bits', align: 'right' },
  { key: 'layout', title: 'layout', align: 'left' },
  { key: 'max', title: 'max', align: 'right' },
  { key: 'smallestNormal', title: 'smallest normal', align: 'right' },
  { key: 'smallestSubnormal', title: 'smallest subnormal', align: 'right' },
  { key: 'infinity', title: 'Inf', align: 'center' },
  { key: 'nan', title: 'NaN', align: 'center' },
  { key: 'negativeZero', title: '-0', align: 'center' },
  { key: 'usedBy', title: 'used by', align: 'left' },
];

/**
 * One row per format. Layout: E exponent bits, M mantissa bits, b bias (floats); W word bits,
 * F fraction bits (fixed point); tensor formats show their element's range "× scale".
 */
export function formatTable(formats: Iterable<NumberFormat>, options: FormatTableOptions = {}): FormatTable {
  const usedBy = options.usedBy ?? ((format: NumberFormat) => PRESET_INFO[format.name]?.usedBy ?? '');
  const rows = [...formats].map((format) => {
    const element = isTensorFormat(format) ? format.element : format;
    const scaled = (text: string) => (isTensorFormat(format) ? `${text} × scale` : text);
    const [infinity, nan, negativeZero] = specialValues(element);
    const cells: Record<FormatTableColumnKey, string> = {
      name: format.name,
      bits: isTensorFormat(format) ? formatTableValue(format.bitsPerValue) : String(format.bits),
      layout: isTensorFormat(format) ? `${elementLayout(format.element)}, ${tensorLayout(format)}` : elementLayout(format),
      max: scaled(formatTableValue(element.range.max)),
      smallestNormal: scaled(formatTableValue(element.range.smallestNormal)),
      smallestSubnormal: scaled(formatTableValue(element.range.smallestSubnormal)),
      infinity,
      nan,
      negativeZero,
      usedBy: usedBy(format),
    };
    return COLUMNS.map((column) => cells[column.key]);
  });
  return { columns: COLUMNS, rows };
}

export function isTensorFormat(format: NumberFormat): format is TensorFormat {
  return 'element' in format;
}

function elementLayout(format: ElementFormat): string {
  const spec = format.spec;
  switch (spec.kind) {
    case 'float': {
      const fields = `E${spec.exponentBits} M${spec.mantissaBits} b${spec.bias}`;
      if (spec.specials === 'e8m0') return `${fields} unsigned`;
      return spec.subnormals ? fields : `${fields} no subnormals`;
    }
    case 'fixed':
      return `W${spec.wordBits} F${spec.fractionBits}${spec.signed ? '' : ' unsigned'}${spec.overflow === 'wrap' ? ' wrap' : ''}`;
    case 'binary':
      return `±${formatTableValue(spec.scale)}`;
  }
}

function tensorLayout(format: TensorFormat): string {
  const spec: Readonly<Record<string, unknown>> = format.spec;
  const scale = typeof spec.scale === 'string' ? `, ${spec.scale} scale` : '';
  if (typeof spec.blockSize === 'number') return `block ${spec.blockSize}${scale}`;
  if (typeof spec.granularity === 'string') return `per ${spec.granularity}${scale}`;
  return spec.kind + scale;
}

/** Whether the element format has Inf, NaN and -0: "yes" or "no" each. */
function specialValues(format: ElementFormat): [infinity: string, nan: string, negativeZero: string] {
  const spec = format.spec;
  const yesNo = (flag: boolean) => (flag ? 'yes' : 'no');
  if (spec.kind !== 'float') return ['no', 'no', 'no'];
  switch (spec.specials) {
    case 'ieee':
      return ['yes', yesNo(spec.mantissaBits > 0), 'yes'];
    case 'fn':
      return ['no', 'yes', 'yes'];
    case 'fnuz':
    case 'e8m0':
      return ['no', 'yes', 'no'];
    case 'finite':
      return ['no', 'no', 'yes'];
  }
}

/**
 * A range value for a table: powers of two far from 1 as 2^k (how format designers think of
 * them), short values exactly, others to 6 significant digits.
 */
export function formatTableValue(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  const exponent = Math.log2(Math.abs(value));
  if (Number.isInteger(exponent) && (exponent < -4 || exponent > 16)) return `${value < 0 ? '-' : ''}2^${exponent}`;
  const exact = String(value);
  if (exact.length <= 10 && !exact.includes('e')) return exact;
  return Number(value.toPrecision(6)).toString().replace(/e\+?/, 'e');
}

/** GitHub-flavoured Markdown; `|` inside cells is escaped. */
export function renderMarkdownTable(table: Table): string {
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  const rule = { left: ':---', right: '---:', center: ':---:' };
  const lines = [
    `| ${table.columns.map((column) => escape(column.title)).join(' | ')} |`,
    `| ${table.columns.map((column) => rule[column.align]).join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ];
  return `${lines.join('\n')}\n`;
}

export interface TextTableOptions {
  /** Longer cells wrap at spaces onto continuation lines. Default 48. */
  maxCellWidth?: number;
}

/** Aligned plain text with a rule under the header, for terminals. */
export function renderTextTable(table: Table, options: TextTableOptions = {}): string {
  const maxCellWidth = options.maxCellWidth ?? 48;
  const wrapped = [table.columns.map((column) => [column.title]), ...table.rows.map((row) => row.map((cell) => wrap(cell, maxCellWidth)))];
  const widths = table.columns.map((_, c) => Math.max(...wrapped.map((row) => Math.max(...row[c].map((line) => line.length)))));
  const lines: string[] = [];
  wrapped.forEach((row, r) => {
    const height = Math.max(...row.map((cell) => cell.length));
    for (let line = 0; line < height; line++) {
      const cells = row.map((cell, c) => pad(cell[line] ?? '', widths[c], table.columns[c].align));
      lines.push(cells.join('  ').trimEnd());
    }
    if (r === 0) lines.push(widths.map((width) => '-'.repeat(width)).join('  '));
  });
  return `${lines.join('\n')}\n`;
}

function pad(text: string, width: number, align: TableColumn['align']): string {
  const space = width - text.length;
  if (align === 'right') return ' '.repeat(space) + text;
  if (align === 'center') return ' '.repeat(Math.floor(space / 2)) + text + ' '.repeat(Math.ceil(space / 2));
  return text + ' '.repeat(space);
}

/** Splits text at spaces into lines of at most `width` characters (longer words stay whole). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current !== '' && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  lines.push(current);
  return lines;
}
