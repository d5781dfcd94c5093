import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from '../../shared/patch/json-patch.js';
import { applyMergePatch } from '../../shared/patch/merge-patch.js';
import { ApiError } from '../../shared/status.js';

describe('merge patch (RFC 7386)', () => {
  it('follows the RFC examples', () => {
    expect(applyMergePatch({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' });
    expect(applyMergePatch({ a: 'b' }, { b: 'c' })).toEqual({ a: 'b', b: 'c' });
    expect(applyMergePatch({ a: 'b' }, { a: null })).toEqual({});
    expect(applyMergePatch({ a: ['b'] }, { a: 'c' })).toEqual({ a: 'c' });
    expect(applyMergePatch({ a: 'c' }, { a: ['b'] })).toEqual({ a: ['b'] });
    expect(applyMergePatch({ a: { b: 'c' } }, { a: { b: 'd', c: null } })).toEqual({ a: { b: 'd' } });
    expect(applyMergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(applyMergePatch(['a', 'b'], ['c', 'd'])).toEqual(['c', 'd']);
    expect(applyMergePatch({ a: 'foo' }, null)).toBeNull();
    expect(applyMergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(applyMergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });

  it('never mutates the target', () => {
    const target = { a: { b: 1 } };
    applyMergePatch(target, { a: { b: 2 } });
    expect(target).toEqual({ a: { b: 1 } });
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('applies operations and test', () => {
    const doc = { metadata: { labels: { a: '1' } }, list: [1, 2] };
    expect(
      applyJsonPatch(doc, [
        { op: 'test', path: '/metadata/labels/a', value: '1' },
        { op: 'replace', path: '/metadata/labels/a', value: '2' },
        { op: 'add', path: '/list/-', value: 3 },
        { op: 'remove', path: '/list/0' },
        { op: 'copy', from: '/list', path: '/copy' },
        { op: 'move', from: '/copy', path: '/moved' },
      ]),
    ).toEqual({ metadata: { labels: { a: '2' } }, list: [2, 3], moved: [2, 3] });
    expect(doc.list).toEqual([1, 2]);
  });

  it('maps failures to kube’s codes', () => {
    const fail = (patch: unknown): ApiError => {
      try {
        applyJsonPatch({ a: 1 }, patch);
      } catch (e) {
        return e as ApiError;
      }
      throw new Error('no error');
    };
    expect(fail([{ op: 'test', path: '/a', value: 2 }]).code).toBe(422);
    expect(fail([{ op: 'test', path: '/a', value: 2 }]).status.message).toBe('the server rejected our request due to an error in our request');
    expect(fail([{ op: 'replace', path: '/missing/x', value: 2 }]).code).toBe(422);
    expect(fail([{ op: 'bogus', path: '/a' }]).code).toBe(422);
    expect(fail({ op: 'add' }).code).toBe(400);
    expect(fail(Array.from({ length: 10001 }, () => ({ op: 'test', path: '/a', value: 1 }))).code).toBe(413);
  });
});
