import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatImageReference, parseImageReference } from '../../shared/overriders/image-reference.js';
import { imageOverrider, overrideImage, type ImageOverrider } from '../../shared/overriders/image.js';
import { OverriderFailure } from '../../shared/overriders/overrider.js';
import type { KubeObject } from '../../shared/object.js';

const DIGEST = 'sha256:50d858e0985ecc7f60418aaf0cc5ab587f42c2570a884095a9e8ccacd0f6545c';
const OTHER_DIGEST = 'sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';

describe('parseImageReference', () => {
  it.each([
    ['pause', '', 'pause', '', ''],
    ['subpath/imagename:v1.0.0', '', 'subpath/imagename', 'v1.0.0', ''],
    ['fictional.registry.example/imagename:v1.0.0', 'fictional.registry.example', 'imagename', 'v1.0.0', ''],
    ['fictional.registry.example:10443/subpath/imagename:v1.0.0', 'fictional.registry.example:10443', 'subpath/imagename', 'v1.0.0', ''],
    [`fictional.registry.example:10443/subpath/imagename@${DIGEST}`, 'fictional.registry.example:10443', 'subpath/imagename', '', DIGEST],
    ['10.10.10.10:10443/subpath/imagename', '10.10.10.10:10443', 'subpath/imagename', '', ''],
    ['localhost/app', 'localhost', 'app', '', ''],
    ['localhost:5000/app:1', 'localhost:5000', 'app', '1', ''],
    ['[::1]:5000/app', '[::1]:5000', 'app', '', ''],
    ['library/nginx:1.25', '', 'library/nginx', '1.25', ''],
    ['my_org/my-app__x:latest', '', 'my_org/my-app__x', 'latest', ''],
    // The grammar lets a first component with capitals through as a host; not looking like
    // one, it stays part of the repository (distribution and Karmada accept it alike).
    ['UPPER/case', '', 'UPPER/case', '', ''],
  ])('%s', (image, registry, repository, tag, digest) => {
    const ref = parseImageReference(image);
    expect(ref).toEqual({ registry, repository, tag, digest });
    expect(formatImageReference(ref)).toBe(image);
  });

  it('keeps both tag and digest, and writes the tag (as Karmada does)', () => {
    const ref = parseImageReference(`nginx:1.25@${DIGEST}`);
    expect(ref).toMatchObject({ repository: 'nginx', tag: '1.25', digest: DIGEST });
    expect(formatImageReference(ref)).toBe('nginx:1.25');
  });

  it.each([
    ['', /at least one component/],
    ['Nginx', /lowercase/],
    ['nginx:', /invalid reference format/],
    ['nginx::1', /invalid reference format/],
    ['-nginx', /invalid reference format/],
    ['nginx@sha256:abc', /invalid reference format/],
    [`nginx@md5:${'a'.repeat(32)}`, /unsupported digest algorithm/],
    [`nginx@sha256:${'A'.repeat(64)}`, /digest length or format/],
    [`nginx@sha256:${'a'.repeat(63)}`, /digest length or format/],
    [`${'a'.repeat(256)}`, /255 characters/],
  ])('refuses %j', (image, message) => {
    expect(() => parseImageReference(image)).toThrow(message);
  });

  it('round-trips every reference it accepts (property)', () => {
    // No '.' in path components: a first component with one would be read as a registry.
    const component = fc.stringMatching(/^[a-z0-9]{1,6}(__?[a-z0-9]{1,4}|-{1,2}[a-z0-9]{1,4})?$/);
    const registry = fc.option(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,5}\.[a-z]{2,4}$/), fc.option(fc.integer({ min: 1, max: 65535 }))), { nil: undefined });
    const suffix = fc.oneof(fc.constant(''), fc.stringMatching(/^:[A-Za-z0-9_][A-Za-z0-9_.-]{0,10}$/), fc.constant(`@${DIGEST}`));
    fc.assert(
      fc.property(registry, fc.array(component, { minLength: 1, maxLength: 3 }), suffix, (reg, path, sfx) => {
        const host = reg ? `${reg[0]}${reg[1] ? `:${reg[1]}` : ''}/` : '';
        const image = `${host}${path.join('/')}${sfx}`;
        const ref = parseImageReference(image);
        expect(ref.registry).toBe(reg ? host.slice(0, -1) : '');
        expect(ref.repository).toBe(path.join('/'));
        expect(formatImageReference(ref)).toBe(image);
      }),
    );
  });
});

describe('overrideImage (Karmada imageoverride_test cases)', () => {
  const base = 'fictional.registry.example/imagename:v1.0.0';
  const o = (component: ImageOverrider['component'], operator: ImageOverrider['operator'], value?: string): ImageOverrider => ({ component, operator, value });
  it.each([
    ['perl:5.34.0', o('Registry', 'add', 'registry.k8s.io'), 'registry.k8s.io/perl:5.34.0'],
    [base, o('Registry', 'add', '.test'), 'fictional.registry.example.test/imagename:v1.0.0'],
    [base, o('Registry', 'replace', 'fictional.registry.us'), 'fictional.registry.us/imagename:v1.0.0'],
    [base, o('Registry', 'remove', 'fictional.registry.us'), 'imagename:v1.0.0'],
    [base, o('Repository', 'add', '/nginx'), 'fictional.registry.example/imagename/nginx:v1.0.0'],
    [base, o('Repository', 'replace', 'nginx'), 'fictional.registry.example/nginx:v1.0.0'],
    [base, o('Repository', 'remove', 'nginx'), 'fictional.registry.example/:v1.0.0'],
    [base, o('Tag', 'add', OTHER_DIGEST), base],
    [base, o('Tag', 'replace', OTHER_DIGEST), `fictional.registry.example/imagename@${OTHER_DIGEST}`],
    [base, o('Tag', 'remove', OTHER_DIGEST), 'fictional.registry.example/imagename'],
    ['registry.k8s.io/nginx-slim:0.8', o('Repository', 'replace', 'nginx'), 'registry.k8s.io/nginx:0.8'],
  ])('%s with %j', (image, overrider, want) => {
    expect(overrideImage(image, overrider)).toBe(want);
  });

  it.each([
    ['gcr.io/kube-apiserver', o('Tag', 'add', 'v1.19.0'), 'gcr.io/kube-apiserver:v1.19.0'],
    ['nginx:1.25', o('Tag', 'add', '-alpine'), 'nginx:1.25-alpine'],
    ['nginx:1.25', o('Tag', 'replace', ''), 'nginx:1.25'],
    ['nginx:1.25', o('Tag', 'replace', 'bad tag'), 'nginx:1.25'],
    [`nginx@${DIGEST}`, o('Tag', 'replace', 'v2'), 'nginx:v2'],
    [`nginx@${DIGEST}`, o('Tag', 'remove'), 'nginx'],
    ['nginx', o('Tag', 'remove'), 'nginx'],
    [`nginx:1@${DIGEST}`, o('Tag', 'remove'), 'nginx'],
    ['nginx', o('Registry', 'remove'), 'nginx'],
    ['nginx', o('Registry', 'replace', 'localhost:5000'), 'localhost:5000/nginx'],
    ['registry.example:5000/team/app:1', o('Registry', 'replace', 'mirror.example'), 'mirror.example/team/app:1'],
    ['registry.example:5000/team/app:1', o('Registry', 'replace', ''), 'team/app:1'],
    [`a.example/x@${DIGEST}`, o('Repository', 'replace', 'y/z'), `a.example/y/z@${DIGEST}`],
    ['nginx:1', o('Repository', 'remove'), ':1'],
  ])('edge: %s with %j', (image, overrider, want) => {
    expect(overrideImage(image, overrider)).toBe(want);
  });
});

function deployment(images: (string | undefined)[], kind = 'Deployment'): KubeObject {
  const containers = images.map((image, i) => (image === undefined ? { name: `c${i}` } : { name: `c${i}`, image }));
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: 'nginx', namespace: 'default' },
    spec: {
      replicas: 1,
      template: {
        spec: { initContainers: [{ name: 'init', image: 'busybox:1' }], containers },
      },
    },
  };
}
const containersOf = (m: KubeObject, path = ['spec', 'template', 'spec']) =>
  path.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], m) as { initContainers?: { image: string }[]; containers: { image?: string }[] };

describe('imageOverrider', () => {
  it('without a predicate changes every container of a workload kind, not init containers', () => {
    for (const kind of ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job']) {
      const before = deployment(['fictional.registry.example/imagename:v1.0.0', 'registry.k8s.io/nginx-slim:0.8'], kind);
      const after = imageOverrider.apply(before, { component: 'Repository', operator: 'replace', value: 'nginx' });
      expect(containersOf(after).containers.map((c) => c.image)).toEqual(['fictional.registry.example/nginx:v1.0.0', 'registry.k8s.io/nginx:0.8']);
      expect(containersOf(after).initContainers?.[0]?.image).toBe('busybox:1');
      expect(containersOf(before).containers[0]?.image).toBe('fictional.registry.example/imagename:v1.0.0');
    }
  });

  it('targets spec.containers of a Pod', () => {
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'nginx:1' }] } };
    const after = imageOverrider.apply(pod, { component: 'Registry', operator: 'add', value: 'mirror.example' });
    expect(containersOf(after, ['spec']).containers[0]?.image).toBe('mirror.example/nginx:1');
  });

  it('leaves other kinds alone without a predicate, and empty container lists too', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { image: 'nginx' } };
    expect(imageOverrider.apply(cm, { component: 'Tag', operator: 'replace', value: 'v2' })).toEqual(cm);
    const empty = deployment([]);
    expect(imageOverrider.apply(empty, { component: 'Tag', operator: 'replace', value: 'v2' })).toEqual(empty);
    const noTemplate: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: {} };
    expect(imageOverrider.apply(noTemplate, { component: 'Tag', operator: 'replace', value: 'v2' })).toEqual(noTemplate);
  });

  it('with a predicate changes only the image at its path, of any kind', () => {
    const before = deployment(['fictional.registry.example/imagename:v1.0.0', 'registry.k8s.io/nginx-slim:0.8']);
    const after = imageOverrider.apply(before, {
      predicate: { path: '/spec/template/spec/containers/1/image' },
      component: 'Repository',
      operator: 'replace',
      value: 'nginx',
    });
    expect(containersOf(after).containers.map((c) => c.image)).toEqual(['fictional.registry.example/imagename:v1.0.0', 'registry.k8s.io/nginx:0.8']);
    const crd: KubeObject = { apiVersion: 'x/v1', kind: 'App', metadata: { name: 'a' }, spec: { runtime: { image: 'app:1' } } };
    const crdAfter = imageOverrider.apply(crd, { predicate: { path: '/spec/runtime/image' }, component: 'Tag', operator: 'replace', value: '2' });
    expect((crdAfter.spec as { runtime: { image: string } }).runtime.image).toBe('app:2');
  });

  it('fails naming the path when the predicate points nowhere or at a non-string', () => {
    const d = deployment(['nginx:1']);
    const run = (path: string) => () => imageOverrider.apply(d, { predicate: { path }, component: 'Tag', operator: 'replace', value: '2' });
    expect(run('/spec/template/spec/containers/3/image')).toThrow(OverriderFailure);
    expect(run('/spec/template/spec/containers/3/image')).toThrow(/containers\/3 does not exist/);
    expect(run('/spec/template/spec/containers/0')).toThrow(/does not hold an image string/);
    expect(run('spec/x')).toThrow(/JSON pointer/);
  });

  it('fails on an unparsable image or a container without one (as Karmada)', () => {
    expect(() => imageOverrider.apply(deployment(['Bad:Image']), { component: 'Tag', operator: 'replace', value: '2' })).toThrow(
      /containers\/0\/image: cannot parse image "Bad:Image"/,
    );
    expect(() => imageOverrider.apply(deployment([undefined]), { component: 'Tag', operator: 'replace', value: '2' })).toThrow(/cannot parse image ""/);
  });
});
