import type { Reconciler } from './reconciler.js';
import { garbageCollector } from './garbage-collector.js';
import { namespaceFinalizer } from './namespace-finalizer.js';

/** Every reconciler the control plane runs. Adding one is adding a file and a line here. */
export const reconcilers: readonly Reconciler[] = [garbageCollector, namespaceFinalizer];
