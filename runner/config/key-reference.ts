/**
 * The README's rsrun.ini key reference, rendered from the key table so the two cannot drift:
 * test/cli/readme.test.ts fails when the README's copy differs, and
 * `node --import tsx scripts/update-readme-keys.ts` rewrites it.
 */
import { SECTIONS, type KeyDef, type SectionId } from './keys';

export const KEY_REFERENCE_START = '<!-- config-keys:start -->';
export const KEY_REFERENCE_END = '<!-- config-keys:end -->';

const HEADINGS: Record<SectionId, string> = {
  project: '`[project]`',
  env: '`[env.NAME]` (one per environment; `local` needs none)',
  s3: '`[s3]` (run reports; without it they stay under `reports/store/`)',
  cloudwatch: '`[cloudwatch]` (metrics)',
  tests: '`[tests]`',
  lint: '`[lint]`',
  site: '`[site]` (the report site: home, environment and run pages)',
};

function typeOf(def: KeyDef): string {
  if (def.type === 'choice') return (def.choices ?? []).join(' \\| ');
  if (def.type === 'integer' && def.min !== undefined && def.max !== undefined) return `integer ${def.min}–${def.max}`;
  if (def.type === 'duration') return 'duration';
  if (def.type === 'list') return 'list';
  if (def.type === 'secret') return 'text, secret';
  return def.type === 'identifier' ? 'SQL name' : def.type === 'path' ? 'path' : def.type === 'boolean' ? 'true/false' : 'text';
}

function defaultOf(def: KeyDef): string {
  if (def.defaultText) return def.defaultText;
  return typeof def.default === 'string' ? `\`${def.default}\`` : '';
}

function variablesOf(def: KeyDef): string {
  return (def.env ?? []).map((v) => `\`${v}\``).join(', ');
}

export function renderKeyReference(): string {
  const out: string[] = [KEY_REFERENCE_START];
  for (const [id, keys] of Object.entries(SECTIONS) as [SectionId, Record<string, KeyDef>][]) {
    out.push('', `**${HEADINGS[id]}**`, '', '| key | type | default | variables | meaning |', '| --- | --- | --- | --- | --- |');
    for (const [key, def] of Object.entries(keys)) {
      out.push(`| \`${key}\` | ${typeOf(def)} | ${defaultOf(def)} | ${variablesOf(def)} | ${def.doc} |`);
    }
  }
  out.push('', KEY_REFERENCE_END);
  return out.join('\n');
}

/** The README with its key reference replaced by the current one. */
export function withKeyReference(readme: string): string {
  const start = readme.indexOf(KEY_REFERENCE_START);
  const end = readme.indexOf(KEY_REFERENCE_END);
  if (start < 0 || end < start) throw new Error(`README has no ${KEY_REFERENCE_START} ... ${KEY_REFERENCE_END} block`);
  return readme.slice(0, start) + renderKeyReference() + readme.slice(end + KEY_REFERENCE_END.length);
}
