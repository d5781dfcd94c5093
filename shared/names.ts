import type { StatusCause } from './status.js';
import type { NameRule } from './registry/resource-type.js';

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?';

/** kube's generateName alphabet: no vowels (no words) and no look-alikes (0/o, 1/l). */
export const GENERATE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const RANDOM_LENGTH = 5;
const MAX_GENERATED_NAME_LENGTH = 63;

/** The 5-character random suffix kube-apiserver appends to a generateName prefix. */
export function randomSuffix(random: () => number = Math.random): string {
  let s = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) s += GENERATE_NAME_ALPHABET[Math.floor(random() * GENERATE_NAME_ALPHABET.length)];
  return s;
}

/** generateName as upstream: the prefix is cut so the result stays within 63 characters. */
export function generateName(prefix: string, random: () => number = Math.random): string {
  const max = MAX_GENERATED_NAME_LENGTH - RANDOM_LENGTH;
  return `${prefix.length > max ? prefix.slice(0, max) : prefix}${randomSuffix(random)}`;
}

function invalid(field: string, value: string, detail: string): StatusCause {
  return { type: 'FieldValueInvalid', message: `Invalid value: "${value}": ${detail}`, field };
}

/** Validates a name under a rule, returning kube-apiserver's field errors (empty when valid). */
export function validateName(name: string, rule: NameRule, field = 'metadata.name'): StatusCause[] {
  const causes: StatusCause[] = [];
  switch (rule) {
    case 'dns1123Subdomain':
      if (name.length > 253) causes.push(invalid(field, name, 'must be no more than 253 characters'));
      if (!new RegExp(`^${DNS1123_SUBDOMAIN}$`).test(name)) {
        causes.push(
          invalid(
            field,
            name,
            `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN}')`,
          ),
        );
      }
      break;
    case 'dns1123Label':
      if (name.length > 63) causes.push(invalid(field, name, 'must be no more than 63 characters'));
      if (!new RegExp(`^${DNS1123_LABEL}$`).test(name)) {
        causes.push(
          invalid(
            field,
            name,
            `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${DNS1123_LABEL}')`,
          ),
        );
      }
      break;
    case 'dns1035Label':
      if (name.length > 63) causes.push(invalid(field, name, 'must be no more than 63 characters'));
      if (!new RegExp(`^${DNS1035_LABEL}$`).test(name)) {
        causes.push(
          invalid(
            field,
            name,
            `a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '${DNS1035_LABEL}')`,
          ),
        );
      }
      break;
    case 'pathSegment':
      if (name === '.' || name === '..') causes.push(invalid(field, name, `may not be '${name}'`));
      for (const bad of ['/', '%']) {
        if (name.includes(bad)) causes.push(invalid(field, name, `may not contain '${bad}'`));
      }
      break;
  }
  return causes;
}

/** The namespace a namespaced object names must itself be a valid namespace name. */
export function validateNamespaceName(ns: string): StatusCause[] {
  return validateName(ns, 'dns1123Label', 'metadata.namespace');
}
