import { beforeAll, describe, expect, it } from 'vitest';
import { builtinParameters, builtinSchemas } from '../../functions/openapi/builtin-schemas.js';
import { documentsFor } from '../../shared/openapi/documents.js';
import type { ParameterCatalogue } from '../../shared/openapi/parameters.js';
import { indexByGroupVersionKind, mergeSchemaSets, resolveRef, schemaForKind, type SchemaSet } from '../../shared/openapi/schema.js';
import { createBuiltinRegistry } from '../../shared/registry/index.js';

let set: SchemaSet;
let parameters: ParameterCatalogue;
beforeAll(async () => {
  set = await builtinSchemas();
  parameters = await builtinParameters();
});

type Json = any;

describe('the built-in SchemaSet', () => {
  it('has upstream definitions, descriptions and patch metadata for the served kinds', () => {
    const name = set.definitionFor('apps', 'v1', 'Deployment');
    expect(name).toBe('io.k8s.api.apps.v1.Deployment');
    const spec = resolveRef(set, schemaForKind(set, 'apps', 'v1', 'Deployment')!.properties!.spec)!;
    expect(spec.properties!.strategy).toMatchObject({
      $ref: '#/definitions/io.k8s.api.apps.v1.DeploymentStrategy',
      description: 'The deployment strategy to use to replace existing pods with new ones.',
      'x-kubernetes-patch-strategy': 'retainKeys',
    });
    const podSpec = set.definitions['io.k8s.api.core.v1.PodSpec']!;
    expect(podSpec.properties!.containers).toMatchObject({ 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'map' });
    // v3's defaults are kept; IntOrString stays the v3 oneOf.
    expect(spec.properties!.template!.default).toEqual({});
    expect(set.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toMatchObject({ format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] });
  });

  it('covers every built-in kind at every served version, and every reference resolves', () => {
    const registry = createBuiltinRegistry();
    const missing = registry.all().flatMap((t) => t.versions.filter((v) => !set.definitionFor(t.group, v, t.kind)).map((v) => `${t.group}/${v}/${t.kind}`));
    // Only kinds that are not upstream's (none among the built-ins) may lack a schema.
    expect(missing.filter((k) => k.split('/')[0] === '' || k.split('/')[0]!.endsWith('.k8s.io') || !k.split('/')[0]!.includes('.'))).toEqual([]);
    const dangling = new Set<string>();
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === 'object') {
        for (const [k, v] of Object.entries(n)) {
          if (k === '$ref' && typeof v === 'string' && !set.definitions[v.replace('#/definitions/', '')]) dangling.add(v);
          else walk(v);
        }
      }
    };
    walk(set.definitions);
    expect([...dangling]).toEqual([]);
    // v3's `allOf: [{$ref}]` wrappers are unwrapped into the v2 shape.
    expect(JSON.stringify(set.definitions['io.k8s.api.apps.v1.DeploymentSpec'])).not.toContain('allOf');
  });

  it('merges with contributed schemas, the later set winning', () => {
    const extra = indexByGroupVersionKind({ 'io.example.v1.Widget': { type: 'object', 'x-kubernetes-group-version-kind': [{ group: 'example.io', version: 'v1', kind: 'Widget' }] } });
    const merged = mergeSchemaSets(set, extra);
    expect(merged.definitionFor('example.io', 'v1', 'Widget')).toBe('io.example.v1.Widget');
    expect(merged.definitionFor('apps', 'v1', 'Deployment')).toBe('io.k8s.api.apps.v1.Deployment');
    expect(merged.definitions['io.k8s.api.core.v1.Pod']).toBe(set.definitions['io.k8s.api.core.v1.Pod']);
  });
});

describe('OpenAPI v3 documents', () => {
  const docs = () => documentsFor(createBuiltinRegistry(), set, { parameters, version: 'v1.33.4' });

  it('lists one document per served group version, plus the discovery roots', () => {
    const paths = docs().paths;
    expect(paths.slice(0, 5)).toEqual(['api', 'api/v1', 'apis', 'apis/apps', 'apis/apps/v1']);
    expect(paths).toContain('apis/autoscaling/v2');
    expect(paths).toContain('apis/autoscaling/v1');
    expect(docs().v3('apis/nothing/v1')).toBeUndefined();
  });

  it('describes apps/v1 as kube-apiserver does', () => {
    const d: Json = docs().v3('apis/apps/v1');
    expect(d.openapi).toBe('3.0.0');
    expect(d.info).toEqual({ title: 'Kubernetes', version: 'v1.33.4' });
    const item = d.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
    expect(item.parameters.map((p: Json) => p.name)).toEqual(['name', 'namespace', 'pretty']);
    expect(item.parameters[0]).toEqual({ name: 'name', in: 'path', description: 'name of the Deployment', required: true, schema: { type: 'string', uniqueItems: true } });
    expect(item.patch).toMatchObject({
      operationId: 'patchAppsV1NamespacedDeployment',
      description: 'partially update the specified Deployment',
      tags: ['apps_v1'],
      'x-kubernetes-action': 'patch',
      'x-kubernetes-group-version-kind': { group: 'apps', version: 'v1', kind: 'Deployment' },
    });
    expect(item.patch.parameters.map((p: Json) => p.name)).toEqual(['dryRun', 'fieldManager', 'fieldValidation', 'force']);
    expect(item.patch.parameters[2].description).toMatch(/^fieldValidation instructs the server on how to handle objects/);
    expect(Object.keys(item.patch.requestBody.content).sort()).toEqual([
      'application/apply-patch+yaml',
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
    ]);
    expect(d.paths['/apis/apps/v1/namespaces/{namespace}/deployments'].post.operationId).toBe('createAppsV1NamespacedDeployment');
    expect(d.paths['/apis/apps/v1/namespaces/{namespace}/deployments'].delete.operationId).toBe('deleteAppsV1CollectionNamespacedDeployment');
    expect(d.paths['/apis/apps/v1/deployments'].get.operationId).toBe('listAppsV1DeploymentForAllNamespaces');
    const scale = d.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
    expect(scale.put['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    expect(scale.put.description).toBe('replace scale of the specified Deployment');
    expect(d.paths['/apis/apps/v1/watch/namespaces/{namespace}/deployments/{name}'].get['x-kubernetes-action']).toBe('watch');
    // Schemas under upstream's names, a $ref with siblings wrapped in allOf as v3 needs.
    const spec = d.components.schemas['io.k8s.api.apps.v1.DeploymentSpec'];
    expect(spec.properties.strategy).toEqual({
      allOf: [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy' }],
      default: {},
      description: 'The deployment strategy to use to replace existing pods with new ones.',
      'x-kubernetes-patch-strategy': 'retainKeys',
    });
    expect(d.components.schemas['io.k8s.api.autoscaling.v1.Scale']).toBeDefined();
    expect(d.components.schemas['io.k8s.api.batch.v1.Job']).toBeUndefined();
  });

  it('words core and cluster-scoped paths, subresources and articles like upstream', () => {
    const d: Json = docs().v3('api/v1');
    expect(d.paths['/api/v1/nodes'].get.operationId).toBe('listCoreV1Node');
    expect(d.paths['/api/v1/nodes'].parameters.map((p: Json) => p.name)).toEqual(['pretty']);
    expect(d.paths['/api/v1/namespaces/{name}/finalize'].put.operationId).toBe('replaceCoreV1NamespaceFinalize');
    expect(d.paths['/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token'].post).toMatchObject({
      operationId: 'createCoreV1NamespacedServiceAccountToken',
      description: 'create token of a ServiceAccount',
      'x-kubernetes-group-version-kind': { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' },
    });
    expect(d.paths['/api/v1/namespaces/{namespace}/events'].post.description).toBe('create an Event');
    expect(d.paths['/api/v1/namespaces/{namespace}/endpoints'].post.description).toBe('create Endpoints');
    expect(d.paths['/api/v1/namespaces/{namespace}/pods/{name}'].delete.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/io.k8s.api.core.v1.Pod' });
    expect(d.paths['/api/v1/namespaces/{namespace}/configmaps/{name}'].delete.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Status' });
  });

  it('publishes a kind added to the registry later, with its contributed schema or an open one', () => {
    const registry = createBuiltinRegistry();
    registry.add({ group: 'stable.example.com', versions: ['v1'], resource: 'crontabs', kind: 'CronTab', singular: 'crontab', namespaced: true, verbs: ['create', 'get', 'list', 'patch', 'update', 'delete', 'watch'] });
    registry.add({ group: 'example.io', versions: ['v1'], resource: 'widgets', kind: 'Widget', singular: 'widget', namespaced: false, verbs: ['get', 'patch'] });
    const widget = indexByGroupVersionKind({
      'io.example.v1.Widget': { type: 'object', description: 'A widget.', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } }, 'x-kubernetes-group-version-kind': [{ group: 'example.io', version: 'v1', kind: 'Widget' }] },
    });
    const d = documentsFor(registry, mergeSchemaSets(set, widget), { parameters });
    expect(d.paths).toContain('apis/stable.example.com/v1');
    const ct: Json = d.v3('apis/stable.example.com/v1');
    const patch = ct.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}'].patch;
    expect(patch.operationId).toBe('patchStableExampleComV1NamespacedCronTab');
    expect(patch.tags).toEqual(['stableExampleCom_v1']);
    expect(patch.parameters.map((p: Json) => p.name)).toContain('fieldValidation');
    // Custom resources take no strategic merge patch; kubectl reads that here.
    expect(Object.keys(patch.requestBody.content)).not.toContain('application/strategic-merge-patch+json');
    expect(ct.components.schemas['com.example.stable.v1.CronTab']).toMatchObject({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      'x-kubernetes-group-version-kind': [{ group: 'stable.example.com', version: 'v1', kind: 'CronTab' }],
    });
    expect(ct.components.schemas['com.example.stable.v1.CronTabList'].properties.items.items).toEqual({ $ref: '#/components/schemas/com.example.stable.v1.CronTab' });
    const w: Json = d.v3('apis/example.io/v1');
    expect(w.components.schemas['io.example.v1.Widget'].description).toBe('A widget.');
    expect(Object.keys(w.paths)).toEqual(['/apis/example.io/v1/', '/apis/example.io/v1/widgets/{name}']);
  });

  it('renders equal inputs to equal bytes', () => {
    expect(JSON.stringify(docs().v3('api/v1'))).toBe(JSON.stringify(docs().v3('api/v1')));
  });
});

describe('the OpenAPI v2 document', () => {
  it('is Swagger 2.0 with every served path and v2-shaped definitions', () => {
    const d: Json = documentsFor(createBuiltinRegistry(), set, { parameters, version: 'v1.33.4' }).v2();
    expect(d.swagger).toBe('2.0');
    expect(d.security).toEqual([{ BearerToken: [] }]);
    const patch = d.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch.consumes).toContain('application/strategic-merge-patch+json');
    expect(patch.parameters[0]).toEqual({ in: 'body', name: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } });
    expect(patch.parameters.map((p: Json) => p.name)).toEqual(['body', 'dryRun', 'fieldManager', 'fieldValidation', 'force']);
    expect(d.paths['/api/v1/namespaces/{namespace}/configmaps'].get['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind: 'ConfigMap' });
    // v2 has no oneOf and upstream's v2 no defaults.
    expect(d.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toEqual({
      description: expect.any(String),
      format: 'int-or-string',
      type: 'string',
    });
    expect(d.definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'].type).toBe('string');
    expect(d.definitions['io.k8s.api.apps.v1.DeploymentSpec'].properties.template).toEqual({
      $ref: '#/definitions/io.k8s.api.core.v1.PodTemplateSpec',
      description: 'Template describes the pods that will be created. The only allowed template.spec.restartPolicy value is "Always".',
    });
  });
});
