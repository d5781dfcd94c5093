/**
 * Container image references, `[registry[:port]/]repository[:tag][@digest]`, by the grammar of
 * the distribution project (what Docker and Karmada parse with), without normalisation:
 * `nginx` stays `nginx`, it does not become `docker.io/library/nginx`.
 */

export interface ImageReference {
  /** The registry host, with its port if any; '' when the reference names none. */
  registry: string;
  /** The path below the registry, e.g. `library/nginx`. */
  repository: string;
  tag: string;
  /** `algorithm:hex`, e.g. `sha256:…`. */
  digest: string;
}

const pathComponent = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;
const name = `(?:${host}(?::[0-9]+)?/)?${pathComponent}(?:/${pathComponent})*`;
const tagPattern = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const referenceRegexp = new RegExp(`^(${name})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`);
const anchoredTag = new RegExp(`^${tagPattern}$`);
const anchoredDigest = new RegExp(`^${digestPattern}$`);

const NAME_TOTAL_LENGTH_MAX = 255;

// The digest algorithms a Go binary linking crypto/sha256 and crypto/sha512 can verify, with
// the length of their lowercase hex encoding.
const digestHexLength: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export function isTag(s: string): boolean {
  return anchoredTag.test(s);
}

export function isDigest(s: string): boolean {
  return anchoredDigest.test(s);
}

function digestError(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  const length = digestHexLength[algorithm];
  if (length === undefined) return `unsupported digest algorithm ${JSON.stringify(algorithm)}`;
  if (encoded.length !== length || !/^[a-f0-9]+$/.test(encoded)) return 'invalid checksum digest length or format';
  return undefined;
}

/**
 * The registry is the first path component only when it looks like a host: it holds a '.' or
 * a ':' or is `localhost`. Otherwise the whole name is the repository (`library/nginx`).
 */
export function splitRegistry(fullName: string): { registry: string; repository: string } {
  const slash = fullName.indexOf('/');
  if (slash === -1) return { registry: '', repository: fullName };
  const first = fullName.slice(0, slash);
  if (!/[.:]/.test(first) && first !== 'localhost') return { registry: '', repository: fullName };
  return { registry: first, repository: fullName.slice(slash + 1) };
}

/** Parses a reference; throws an Error saying what is wrong with it. */
export function parseImageReference(image: string): ImageReference {
  const m = referenceRegexp.exec(image);
  if (!m) {
    if (image === '') throw new Error('repository name must have at least one component');
    if (referenceRegexp.test(image.toLowerCase())) throw new Error('repository name must be lowercase');
    throw new Error('invalid reference format');
  }
  const fullName = m[1] ?? '';
  if (fullName.length > NAME_TOTAL_LENGTH_MAX) throw new Error(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  const digest = m[3] ?? '';
  if (digest) {
    const err = digestError(digest);
    if (err) throw new Error(err);
  }
  return { ...splitRegistry(fullName), tag: m[2] ?? '', digest };
}

/**
 * Writes a reference back. A tag and a digest are never both written: the tag wins, as in
 * Karmada's image overrider, so a `name:tag@digest` reference that passes through an
 * overrider comes out as `name:tag`, exactly as Karmada would send it to the member.
 */
export function formatImageReference(ref: ImageReference): string {
  const full = ref.registry === '' ? ref.repository : `${ref.registry}/${ref.repository}`;
  if (ref.tag !== '') return `${full}:${ref.tag}`;
  if (ref.digest !== '') return `${full}@${ref.digest}`;
  return full;
}
