import { describe, expect, it } from 'vitest';
import { GENERATE_NAME_ALPHABET, generateName, validateName } from '../../shared/names.js';

describe('names', () => {
  it('validates DNS-1123 subdomains, labels, DNS-1035 labels and path segments', () => {
    expect(validateName('a.b-c', 'dns1123Subdomain')).toEqual([]);
    expect(validateName('A', 'dns1123Subdomain')[0]).toMatchObject({ type: 'FieldValueInvalid', field: 'metadata.name' });
    expect(validateName('a'.repeat(254), 'dns1123Subdomain').length).toBeGreaterThan(0);
    expect(validateName('a.b', 'dns1123Label')).toHaveLength(1);
    expect(validateName('a'.repeat(64), 'dns1123Label')[0]!.message).toContain('must be no more than 63 characters');
    expect(validateName('1abc', 'dns1035Label')).toHaveLength(1);
    expect(validateName('abc-1', 'dns1035Label')).toEqual([]);
    expect(validateName('system:controller:x', 'pathSegment')).toEqual([]);
    expect(validateName('a/b', 'pathSegment')[0]!.message).toContain(`may not contain '/'`);
    expect(validateName('..', 'pathSegment')).toHaveLength(1);
  });

  it('generates 5-character suffixes from kube’s alphabet, cutting long prefixes', () => {
    const name = generateName('web-');
    expect(name).toMatch(new RegExp(`^web-[${GENERATE_NAME_ALPHABET}]{5}$`));
    expect(generateName('x'.repeat(100))).toHaveLength(63);
    expect(generateName('p-', () => 0)).toBe('p-bbbbb');
  });
});
