import { it } from 'vitest';
import { managed, startPlane } from './propagation-harness.js';
it('debug', async () => {
  const plane = await startPlane();
  const m = await managed(plane);
  await plane.join('member1');
  await m.settle();
  await plane.create('', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ov' } });
  await m.settle();
  const ws = await plane.list('work.karmada.io', 'works');
  console.log(JSON.stringify(ws, null, 1).slice(0, 3000));
  console.log('requests', plane.members.get('member1').requests);
  await plane.close();
});
