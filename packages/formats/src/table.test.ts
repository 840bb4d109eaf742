import { describe, expect, it } from 'vitest';
import { parseFormat } from './parse.js';
import { PRESETS } from './presets.js';
import { formatTable, formatTableValue, renderMarkdownTable, renderTextTable, type Table } from './table.js';

describe('formatTable', () => {
  it('has the documented columns', () => {
    expect(formatTable([]).columns.map((column) => column.title)).toEqual([
      'name', 'bits', 'layout', 'max', 'smallest normal', 'smallest subnormal', 'Inf', 'NaN', '-0', 'used by',
    ]);
  });

  it.each([
    ['float8_e4m3fn', ['8', 'E4 M3 b7', '448', '2^-6', '2^-9', 'no', 'yes', 'yes']],
    ['float8_e5m2', ['8', 'E5 M2 b15', '57344', '2^-14', '2^-16', 'yes', 'yes', 'yes']],
    ['float8_e4m3fnuz', ['8', 'E4 M3 b8', '240', '2^-7', '2^-10', 'no', 'yes', 'no']],
    ['float4_e2m1fn', ['4', 'E2 M1 b1', '6', '1', '0.5', 'no', 'no', 'yes']],
    ['float8_e8m0fnu', ['8', 'E8 M0 b127 unsigned', '2^127', '2^-127', '2^-127', 'no', 'yes', 'no']],
    ['float32', ['32', 'E8 M23 b127', '3.40282e38', '2^-126', '2^-149', 'yes', 'yes', 'yes']],
    ['e6m0_finite', ['7', 'E6 M0 b31', '2^32', '2^-30', '2^-30', 'no', 'no', 'yes']],
    ['e5m10_b16_nosub', ['16', 'E5 M10 b16 no subnormals', '32752', '2^-15', '2^-15', 'yes', 'yes', 'yes']],
    ['e4m0', ['5', 'E4 M0 b7', '128', '2^-6', '2^-6', 'yes', 'no', 'yes']],
    ['fixed_w12_f8', ['12', 'W12 F8', '7.99609375', '2^-8', '2^-8', 'no', 'no', 'no']],
    ['ufixed_w8_f8_wrap', ['8', 'W8 F8 unsigned wrap', '0.99609375', '2^-8', '2^-8', 'no', 'no', 'no']],
    ['binary', ['1', '±1', '1', '1', '1', 'no', 'no', 'no']],
  ])('row of %s', (name, cells) => {
    const [row] = formatTable([parseFormat(name)]).rows;
    expect(row.slice(0, 9)).toEqual([name, ...cells]);
  });

  it('fills "used by" from PRESET_INFO, or from options', () => {
    expect(formatTable([PRESETS.float8_e5m2]).rows[0][9]).toContain('OCP FP8 E5M2');
    expect(formatTable([parseFormat('e4m3_b11')]).rows[0][9]).toBe('');
    expect(formatTable([parseFormat('e4m3_b11')], { usedBy: () => 'me' }).rows[0][9]).toBe('me');
  });
});

describe('formatTableValue', () => {
  it.each([
    [0, '0'],
    [448, '448'],
    [65504, '65504'],
    [0.5, '0.5'],
    [0.0625, '0.0625'],
    [2 ** -5, '2^-5'],
    [2 ** 17, '2^17'],
    [-(2 ** 20), '-2^20'],
    [65536, '65536'],
    [7.99609375, '7.99609375'],
    [2 - 2 ** -14, '1.99994'],
    [3.4028234663852886e38, '3.40282e38'],
    [1e-5, '0.00001'],
    [8.25, '8.25'],
  ])('%d -> %s', (value, text) => {
    expect(formatTableValue(value)).toBe(text);
  });
});

const SMALL: Table = {
  columns: [
    { key: 'a', title: 'name', align: 'left' },
    { key: 'b', title: 'max', align: 'right' },
    { key: 'c', title: 'Inf', align: 'center' },
  ],
  rows: [
    ['float8_e4m3fn', '448', 'no'],
    ['x|y', '6', 'yes'],
  ],
};

describe('renderers', () => {
  it('renders Markdown with alignment rules and escaped pipes', () => {
    expect(renderMarkdownTable(SMALL)).toBe(
      ['| name | max | Inf |', '| :--- | ---: | :---: |', '| float8_e4m3fn | 448 | no |', '| x\\|y | 6 | yes |', ''].join('\n'),
    );
  });

  it('renders aligned text with a rule under the header', () => {
    expect(renderTextTable(SMALL)).toBe(
      ['name           max  Inf', '-------------  ---  ---', 'float8_e4m3fn  448  no', 'x|y              6  yes', ''].join('\n'),
    );
  });

  it('wraps long cells at spaces onto continuation lines', () => {
    const table: Table = { columns: [{ key: 'a', title: 'a', align: 'left' }, { key: 'b', title: 'used by', align: 'left' }], rows: [['x', 'one two three four']] };
    expect(renderTextTable(table, { maxCellWidth: 9 })).toBe(['a  used by', '-  -------', 'x  one two', '   three', '   four', ''].join('\n'));
  });
});
