import { describe, expect, it } from 'vitest';
import { formatLabelSelector, labelSelectorString } from '../../shared/printers/format-label-selector.js';
import { goFloat, goJson, goPrint } from '../../shared/printers/go-text.js';
import { formatLabels, layoutContainerCells } from '../../shared/printers/labels.js';
import { formatQuantity } from '../../shared/printers/quantity.js';

describe('Quantity.String()', () => {
  it.each([
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1000Mi', '1000Mi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['512Ki', '512Ki'],
    ['0.5Ki', '512'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['1.5', '1500m'],
    ['0.1', '100m'],
    ['100m', '100m'],
    ['1000m', '1'],
    ['2', '2'],
    ['10G', '10G'],
    ['1e3', '1e3'],
    ['1.5e3', '1500'],
    ['12e6', '12e6'],
    ['0', '0'],
    ['0Gi', '0'],
    ['-1500m', '-1500m'],
    ['1.0000000001', '1000000001n'],
  ])('%s prints as %s', (input, output) => {
    expect(formatQuantity(input)).toBe(output);
  });

  it('prints unset as 0, numbers as quantities, and garbage as given', () => {
    expect(formatQuantity(undefined)).toBe('0');
    expect(formatQuantity(3)).toBe('3');
    expect(formatQuantity(2000)).toBe('2k');
    expect(formatQuantity('ten')).toBe('ten');
  });
});

describe('labels and selectors', () => {
  it('formats labels sorted, <none> when empty', () => {
    expect(formatLabels({ b: '2', a: '1', 'A-upper': 'x' })).toBe('A-upper=x,a=1,b=2');
    expect(formatLabels(undefined)).toBe('<none>');
  });

  it('formats label selectors as upstream strings', () => {
    const sel = { matchLabels: { tier: 'fe', app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }, { key: 'gpu', operator: 'Exists' }] };
    expect(formatLabelSelector(sel)).toBe('app=web,env in (dev,prod),gpu,tier=fe');
    expect(formatLabelSelector(undefined)).toBe('<none>');
    expect(formatLabelSelector({})).toBe('<none>');
    expect(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toBe('<error>');
    expect(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })).toBe('<error>');
    expect(formatLabelSelector({ matchLabels: { 'bad key!': 'x' } })).toBe('<error>');
    expect(labelSelectorString({})).toBe('');
    expect(labelSelectorString({ matchLabels: { 'example.com/app': 'x' } })).toBe('example.com/app=x');
  });

  it('lays out container names and images', () => {
    expect(layoutContainerCells([{ name: 'a', image: 'x:1' }, { name: 'b', image: 'y' }])).toEqual(['a,b', 'x:1,y']);
    expect(layoutContainerCells(undefined)).toEqual(['', '']);
  });
});

describe('Go text rendering', () => {
  it('prints floats as %v does', () => {
    expect(goFloat(0.5)).toBe('0.5');
    expect(goFloat(123456.5)).toBe('123456.5');
    expect(goFloat(1234567.5)).toBe('1.2345675e+06');
    expect(goFloat(0.00001)).toBe('1e-05');
    expect(goFloat(-0.25)).toBe('-0.25');
  });

  it('prints JSON with sorted keys and HTML escapes, and nil as <no value>', () => {
    expect(goJson({ b: 1, a: ['<x>', '&'] })).toBe('{"a":["\\u003cx\\u003e","\\u0026"],"b":1}');
    expect(goPrint(null)).toBe('<no value>');
    expect(goPrint(42)).toBe('42');
    expect(goPrint(true)).toBe('true');
    expect(goPrint('s')).toBe('s');
  });
});
