import { isSet, list, obj, str, type JsonObject } from './json.js';
import { AGE_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { formatQuantity } from './quantity.js';
import { ageCell } from './timestamp.js';

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, each once. */
export function accessModes(modes: unknown): string {
  const set = new Set(list(modes).map(str));
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

/** The storage class of a volume or claim: the beta annotation wins over spec.storageClassName. */
export function storageClassOf(metadataAnnotations: unknown, spec: JsonObject): string {
  const annotations = obj(metadataAnnotations);
  if (BETA_STORAGE_CLASS_ANNOTATION in annotations) return str(annotations[BETA_STORAGE_CLASS_ANNOTATION]);
  return str(spec.storageClassName);
}

/** Defaulting sets volumeMode to Filesystem on volumes and claims. */
export function volumeMode(spec: JsonObject): string {
  return isSet(spec.volumeMode) ? str(spec.volumeMode) : 'Filesystem';
}

export const persistentVolumePrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Capacity', 'string', "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity"),
    column('Access Modes', 'string', 'accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes'),
    column('Reclaim Policy', 'string', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming'),
    column('Status', 'string', 'phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase'),
    column('Claim', 'string', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding'),
    column('StorageClass', 'string', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    column('Reason', 'string', 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'),
    AGE_COLUMN,
    column('VolumeMode', 'string', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.', 1),
  ],
  cells(pv, now) {
    const spec = obj(pv.spec);
    const status = obj(pv.status);
    const claim = isSet(spec.claimRef) ? `${str(obj(spec.claimRef).namespace)}/${str(obj(spec.claimRef).name)}` : '';
    return [
      pv.metadata.name ?? '',
      formatQuantity(obj(spec.capacity).storage),
      accessModes(spec.accessModes),
      // Defaulting makes manually created volumes Retain.
      str(spec.persistentVolumeReclaimPolicy) || 'Retain',
      isSet(pv.metadata.deletionTimestamp) ? 'Terminating' : str(status.phase),
      claim,
      storageClassOf(pv.metadata.annotations, spec),
      isSet(spec.volumeAttributesClassName) ? str(spec.volumeAttributesClassName) : '<unset>',
      str(status.reason),
      ageCell(pv, now),
      volumeMode(spec),
    ];
  },
};
