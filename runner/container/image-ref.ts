/**
 * Image names: where the runner image lives (registry + repository) and which tags a build gets.
 * One place, so build, push, run and the pipeline agree on names.
 */
import { ConfigError } from '../errors';

/** Docker Hub, as Docker itself names it. */
export const DOCKER_HUB = 'docker.io';

export interface ImageLocation {
  /** Registry host[:port]; `docker.io` (the default) means Docker Hub. */
  registry: string;
  /** Repository path inside the registry, e.g. `acme/rsrun`. */
  repository: string;
}

/** The name to tag and push: `acme/rsrun` on Docker Hub, `127.0.0.1:5000/rsrun` elsewhere. */
export function imageName(loc: ImageLocation): string {
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(loc.repository)) {
    throw new ConfigError(`"${loc.repository}" is not a valid image repository`, {
      hint: 'use lower-case letters, digits and . _ - separated by /, e.g. acme/rsrun',
    });
  }
  return loc.registry === DOCKER_HUB ? loc.repository : `${loc.registry}/${loc.repository}`;
}

/** Registry address as Docker's auth config and config.json name it. */
export function authServer(registry: string): string {
  return registry === DOCKER_HUB ? 'https://index.docker.io/v1/' : registry;
}

export interface TagInputs {
  commit: string | undefined;
  buildNumber: string | undefined;
  /** The moving tag (`latest`, or a branch name). */
  movingTag: string;
}

/** A tag is at most 128 characters of [A-Za-z0-9_.-], not starting with . or -. */
export function sanitizeTag(raw: string): string {
  const t = raw
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128);
  if (t === '') throw new ConfigError(`"${raw}" cannot be used as an image tag`);
  return t;
}

/** Tags of one build: the commit (12 hex digits), `build-N`, and the moving tag. */
export function buildTags(t: TagInputs): string[] {
  const tags: string[] = [];
  if (t.commit) tags.push(sanitizeTag(t.commit.slice(0, 12)));
  if (t.buildNumber) tags.push(sanitizeTag(`build-${t.buildNumber}`));
  tags.push(sanitizeTag(t.movingTag));
  return [...new Set(tags)];
}

/** `name@sha256:...`: what the runs use, so test and prod run the same bytes. */
export function digestRef(name: string, digest: string): string {
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new ConfigError(`"${digest}" is not an image digest (sha256:<64 hex>)`);
  return `${name}@${digest}`;
}

/** The registry of an image reference, as Docker decides it: a first component with `.` or `:` (or `localhost`). */
export function registryOf(ref: string): string {
  const first = ref.split('/')[0] ?? '';
  return ref.includes('/') && (/[.:]/.test(first) || first === 'localhost') ? first : DOCKER_HUB;
}
