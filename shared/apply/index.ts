/** Server-side apply and managedFields: field sets, schema-driven walks, ownership and conflicts. */
export * from './path-element.js';
export * from './field-set.js';
export * from './typed.js';
export * from './managed-fields.js';
export * from './conflicts.js';
export * from './field-manager.js';
