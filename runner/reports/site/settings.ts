/**
 * The report site's settings, from a `[site]` section of rsrun.ini:
 *
 *   [site]
 *   repository_url = https://github.com/acme/warehouse   ; commit links (or a URL with {commit})
 *   keep_runs = 5000        ; runs listed per environment; older ones leave the index, objects stay
 *   test_window = 30        ; results kept per test in tests.json (flaky / recurring detection)
 *   environments = test, prod   ; home page order (default: local, dev, test, staging, prod, others)
 *
 * The one place that reads them; the section is not (yet) part of the typed config, so its keys
 * are read from the raw section here. RSRUN_REPOSITORY_URL overrides repository_url (CI).
 */
import type { ResolvedConfig } from '../../config/types';
import { parseInteger, parseList } from '../../config/values';
import { DEFAULT_SITE_SETTINGS, type SiteSettings } from './model';

export function siteSettings(config: Pick<ResolvedConfig, 'project' | 'sources'>, env: NodeJS.ProcessEnv = process.env): SiteSettings {
  const raw = config.project.extraSections.site ?? {};
  const where = (key: string) => ({ key: `site.${key}`, source: config.sources[0] ?? 'rsrun.ini' });
  const settings: SiteSettings = { ...DEFAULT_SITE_SETTINGS };
  const repositoryUrl = env.RSRUN_REPOSITORY_URL ?? raw.repository_url;
  if (repositoryUrl?.trim()) settings.repositoryUrl = repositoryUrl.trim();
  if (raw.keep_runs) settings.keepRuns = parseInteger(raw.keep_runs, where('keep_runs'), 1, 10_000_000);
  if (raw.test_window) settings.testWindow = parseInteger(raw.test_window, where('test_window'), 2, 500);
  if (raw.environments) settings.environments = parseList(raw.environments);
  return settings;
}
