/**
 * Secrets learned after the configuration was resolved: a password read from Secrets Manager, a
 * temporary password from GetClusterCredentials. `ResolvedConfig.secrets` is fixed when the config
 * is loaded; these arrive later, so the logger (runner/logging) subscribes here to mask them too:
 *
 *   onSecretRegistered((value) => masker.add(value));   // called for past and future values
 */
const known = new Set<string>();
const listeners = new Set<(value: string) => void>();

/** Adds a value that must never appear in logs, reports or uploads. Empty values are ignored. */
export function registerSecret(value: string | undefined): void {
  if (!value || known.has(value)) return;
  known.add(value);
  for (const listener of listeners) listener(value);
}

/** Every value registered so far. */
export function registeredSecrets(): string[] {
  return [...known];
}

/** Calls `listener` for every value registered so far and every later one; returns an unsubscribe function. */
export function onSecretRegistered(listener: (value: string) => void): () => void {
  for (const value of known) listener(value);
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Forgets every registered value. A CLI process runs one run and never needs this; a process that
 * runs several in turn (the test suite) calls it between them, or a password one run learned would
 * mask another run's output (a short one, like a test server's, masks ordinary words).
 */
export function forgetRegisteredSecrets(): void {
  known.clear();
}
