import { customResourceForVersion } from '../crd/custom-resource.js';
import type { KubeObject } from '../object.js';
import { groupVersionString, storageVersionOf, type ResourceType } from '../registry/resource-type.js';
import { karmadaConverters } from '../karmada/conversion.js';
import { hpaFromV1, hpaToV1 } from './horizontal-pod-autoscaler.js';

/** Converters between a served version and the storage version, keyed by `resource.group/version`. */
interface Converter {
  toStorage(obj: KubeObject): KubeObject;
  fromStorage(obj: KubeObject): KubeObject;
}

const converters: Record<string, Converter> = {
  'horizontalpodautoscalers.autoscaling/v1': { toStorage: hpaFromV1, fromStorage: hpaToV1 },
  ...karmadaConverters,
};

function converterFor(type: ResourceType, version: string): Converter | undefined {
  return converters[`${type.resource}.${type.group}/${version}`];
}

/** A stored object as a client of `version` sees it. */
export function toServedVersion(type: ResourceType, obj: KubeObject, version: string): KubeObject {
  // Custom resources: conversion None, with the schema's defaults applied on read.
  if (type.customResource) return customResourceForVersion(type, obj, version);
  if (version === storageVersionOf(type)) return obj;
  const c = converterFor(type, version);
  if (c) return c.fromStorage(obj);
  return { ...obj, apiVersion: groupVersionString(type.group, version) };
}

/** An object a client sent in `version`, in the storage version. */
export function toStorageVersion(type: ResourceType, obj: KubeObject, version: string): KubeObject {
  if (version === storageVersionOf(type)) return obj;
  const c = converterFor(type, version);
  if (c) return c.toStorage(obj);
  return { ...obj, apiVersion: groupVersionString(type.group, storageVersionOf(type)) };
}
