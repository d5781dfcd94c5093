/** Labels and annotations the interpreter reads on templates and member objects. */

/** The template generation a member object was last written from (stamped by the binding controller). */
export const RESOURCE_TEMPLATE_GENERATION_ANNOTATION = 'resourcetemplate.karmada.io/generation';

/** On a template whose replicas something else scales in each member (an HPA): keep the member's count. */
export const RETAIN_REPLICAS_LABEL = 'resourcetemplate.karmada.io/retain-replicas';
export const RETAIN_REPLICAS_VALUE = 'true';

export const SERVICE_ACCOUNT_TOKEN_SECRET_TYPE = 'kubernetes.io/service-account-token';
export const SERVICE_ACCOUNT_UID_ANNOTATION = 'kubernetes.io/service-account.uid';
