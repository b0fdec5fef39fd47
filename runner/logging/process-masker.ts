/**
 * The masker for anything written at a given moment: every secret this process knows by then —
 * the configuration's (registered by load-config), and those learned later (a password read from
 * Secrets Manager, a temporary IAM password) — plus any extra values the caller holds. Report
 * writers, run artefacts and shipping call it when they write, so a secret learned mid-run is
 * masked in every file written after it.
 */
import { registeredSecrets } from '../warehouse/aws/secret-registry';
import { createMasker, type Masker } from './masking';

export function processMasker(extra: readonly string[] = []): Masker {
  return createMasker([...registeredSecrets(), ...extra]);
}
