/**
 * Flyway-compatible versions: parts separated by `.` or `_`, compared numerically part by part,
 * trailing zero parts ignored (so 1.0 < 1.0.1 < 1.0.2 < 1.1 < 2, and 1 = 1.0).
 *
 * Parts stay digit strings and are compared by length, then lexically: numbers of any size keep
 * their exact value (`V1000000000000000000000` sorts after `V1`, `V9007199254740993` is not
 * `V9007199254740992`), where a JavaScript number would have rounded them.
 */

/** The parts of a version without leading zeros (`01_2` → `['1', '2']`), or undefined when it is not one. */
export function parseVersion(raw: string): string[] | undefined {
  if (!/^\d+(?:[._]\d+)*$/.test(raw)) return undefined;
  return raw.split(/[._]/).map((p) => p.replace(/^0+(?=\d)/, ''));
}

/** The canonical text of a version, as recorded in the history: `1_0_1` → `1.0.1`, `007` → `7`. */
export function normalizeVersion(raw: string): string {
  const parts = parseVersion(raw);
  return parts ? parts.join('.') : raw;
}

function comparePart(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a) ?? [];
  const pb = parseVersion(b) ?? [];
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const d = comparePart(pa[i] ?? '0', pb[i] ?? '0');
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * What makes two versioned migrations the same one, whatever their source: numeric versions
 * without trailing zero parts (`1`, `1.0` and `1_0` collide, as Flyway says they do), and INI
 * changeset section names that are not numbers as written (`DDL_v01`).
 */
export function versionIdentity(version: string): string {
  const parts = parseVersion(version);
  if (!parts) return `section:${version}`;
  let end = parts.length;
  while (end > 1 && parts[end - 1] === '0') end--;
  return parts.slice(0, end).join('.');
}
