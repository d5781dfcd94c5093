import { isSet, obj, str } from './json.js';
import { accessModes, storageClassOf, volumeMode } from './persistent-volume.js';
import { AGE_COLUMN, NAME_COLUMN, column, type Printer } from './printer.js';
import { formatQuantity } from './quantity.js';
import { ageCell } from './timestamp.js';

export const persistentVolumeClaimPrinter: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'),
    column('Volume', 'string', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    column('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'),
    column('Access Modes', 'string', 'accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1'),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    AGE_COLUMN,
    column('VolumeMode', 'string', 'volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.', 1),
  ],
  cells(pvc, now) {
    const spec = obj(pvc.spec);
    const status = obj(pvc.status);
    const volumeName = str(spec.volumeName);
    // Capacity and access modes are the bound volume's, so an unbound claim shows neither.
    const bound = volumeName !== '';
    return [
      pvc.metadata.name ?? '',
      isSet(pvc.metadata.deletionTimestamp) ? 'Terminating' : str(status.phase),
      volumeName,
      bound ? formatQuantity(obj(status.capacity).storage) : '',
      bound ? accessModes(status.accessModes) : '',
      storageClassOf(pvc.metadata.annotations, spec),
      isSet(spec.volumeAttributesClassName) ? str(spec.volumeAttributesClassName) : '<unset>',
      ageCell(pvc, now),
      volumeMode(spec),
    ];
  },
};
