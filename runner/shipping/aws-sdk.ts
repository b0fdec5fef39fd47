/**
 * Lazy loading of AWS SDK clients: only a run with `[s3]` or `[cloudwatch]` pays for them, so
 * `rsrun --version` and local runs start fast.
 */
export async function loadAwsModule<T>(load: () => Promise<T>): Promise<T> {
  quietAwsSdkNodeWarning();
  return load();
}

/**
 * The SDK warns on stderr that releases after January 2027 need Node 22. rsrun's supported
 * runtime is pinned by its container image; a warning a deploy job cannot act on is noise in
 * every CI log. An explicit setting by the user wins. Called by the CLI at start, so every module
 * that loads an AWS client (connections, COPY/UNLOAD, shipping) is covered.
 */
export function quietAwsSdkNodeWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
