/**
 * Flyway-compatible versions: parts separated by `.` or `_`, compared numerically part by part,
 * trailing zero parts ignored (so 1.0 < 1.0.1 < 1.0.2 < 1.1 < 2, and 1 = 1.0).
 */
export function parseVersion(raw: string): number[] | undefined {
  if (!/^\d+([._]\d+)*$/.test(raw)) return undefined;
  return raw.split(/[._]/).map((p) => Number(p));
}

/** The canonical text of a version: `1_0_1` → `1.0.1` (leading zeros kept out). */
export function normalizeVersion(raw: string): string {
  const parts = parseVersion(raw);
  return parts ? parts.join('.') : raw;
}

export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a) ?? [];
  const pb = parseVersion(b) ?? [];
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}
