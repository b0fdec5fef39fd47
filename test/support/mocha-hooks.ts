/**
 * Root hooks shared by every test file. Suites that need a service call `requireService` so that
 * outside CI a missing service skips with a printed reason, and in CI it fails loudly.
 */
export const mochaHooks = {
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
