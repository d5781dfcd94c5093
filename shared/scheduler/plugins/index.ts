import type { FilterPlugin, ScorePlugin } from '../types.js';
import { apiEnablement } from './api-enablement.js';
import { clusterAffinity } from './cluster-affinity.js';
import { clusterEviction } from './cluster-eviction.js';
import { clusterLocality } from './cluster-locality.js';
import { spreadConstraint } from './spread-constraint.js';
import { taintToleration } from './taint-toleration.js';

// The in-tree plugins. A cluster is refused by the first filter that objects, so the order is the
// order in which reasons are reported: whether the placement wants the cluster at all comes
// before why the cluster cannot take it.

export const filterPlugins: readonly FilterPlugin[] = [
  clusterAffinity,
  spreadConstraint,
  clusterEviction,
  taintToleration,
  apiEnablement,
];

export const scorePlugins: readonly ScorePlugin[] = [clusterAffinity, clusterLocality];
