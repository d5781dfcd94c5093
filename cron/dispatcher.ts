// The change log's fan-out onto the reconcilers' work queues lives in runtime/fan-out.ts; its
// cursor in db/. Re-exported here, where the outbox dispatcher used to be.
export { readCursor } from '../db/dispatcher-cursor.js';
export { fanOut, plan, type FanOutResult } from './runtime/fan-out.js';
