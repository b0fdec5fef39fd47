/**
 * Root hooks shared by every test file. Suites that need a service call `requireService` so that
 * outside CI a missing service skips with a printed reason, and in CI it fails loudly.
 */
import { forgetRegisteredSecrets } from '../../runner/warehouse/aws/secret-registry';

export const mochaHooks = {
  // Each test starts with no secret learned by an earlier one (Secrets Manager, IAM credentials):
  // the registry lives as long as the process, which is one run for the CLI but the whole suite here.
  afterEach(): void {
    forgetRegisteredSecrets();
  },
  afterAll(): void {
    const skipped = skippedServices();
    if (skipped.length > 0) {
      process.stdout.write(
        `\nSkipped for missing services (run scripts/setup-test-services.sh to enable):\n${skipped.map((s) => `  - ${s}`).join('\n')}\n`,
      );
    }
  },
};

const skips = new Set<string>();

export function recordSkip(reason: string): void {
  skips.add(reason);
}

export function skippedServices(): string[] {
  return [...skips];
}
