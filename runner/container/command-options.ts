/**
 * Commander options of `rsrun image`, `rsrun container` and `rsrun pipeline`. Kept apart from the
 * command bodies (and free of imports) so program.ts can declare them without loading dockerode.
 * Registry credentials and secrets are deliberately not options: they would show in `ps` and in
 * CI logs. They come from the environment or Docker's config file.
 */
import type { Command } from 'commander';

/** Defaults, defined once: commander shows and applies them, the commands read the parsed values. */
export const CONTAINER_DEFAULTS = {
  dockerfile: 'docker/Dockerfile',
  timeout: '30m',
  testEnv: 'test',
  prodEnv: 'prod',
} as const;

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function imageLocation(cmd: Command): Command {
  return cmd
    .option('--registry <host>', 'registry (env RSRUN_REGISTRY; default Docker Hub, e.g. 127.0.0.1:5000)')
    .option('--repository <path>', 'image repository (env RSRUN_IMAGE_REPOSITORY; default rsrun/rsrun)')
    .option('--tag <tag>', 'moving tag (env RSRUN_IMAGE_TAG; default latest)')
    .option('--commit <sha>', 'git commit to tag and label (env GIT_COMMIT; default git rev-parse HEAD)')
    .option('--build-number <n>', 'CI build number to tag and label (env BUILD_NUMBER)');
}

function buildOptions(cmd: Command): Command {
  return cmd
    .option('--context <dir>', 'build context: the rsrun repository (default: the current directory)')
    .option('--dockerfile <path>', 'Dockerfile inside the context', CONTAINER_DEFAULTS.dockerfile)
    .option('--no-cache', 'build without the layer cache')
    .option('--no-offline-deps', 'let the build stage fetch npm packages itself instead of staging them on the host');
}

function runOptions(cmd: Command): Command {
  return cmd
    .option('--timeout <duration>', 'stop and remove the container after this long (e.g. 30m)', CONTAINER_DEFAULTS.timeout)
    .option('--project-mount <dir>', 'mount this project directory over the SQL baked into the image')
    .option('--pass-env <NAME>', 'forward this host environment variable (repeatable)', collect)
    .option('--pass-secret <NAME>', 'forward this host environment variable as a secret (repeatable)', collect);
}

export function configureImageCommand(cmd: Command): void {
  buildOptions(imageLocation(cmd)).option('--json', 'print machine-readable JSON on stdout');
}

export function configureContainerCommand(cmd: Command): void {
  runOptions(cmd)
    .option('-e, --env <name>', 'environment to run against (test, prod, ...)')
    .option('--image <ref>', 'image to run: NAME@sha256:... (pulled) or a local NAME:TAG')
    .option('--name <name>', 'container name (default rsrun-<env>); a stale one is removed first')
    .option('--require-passed <env>', 'refuse (exit 8) unless this digest passed that environment')
    // Runner arguments go after `--`: rsrun container run --env test --image REF -- deploy --json
    .addHelpText(
      'after',
      '\nArguments for the runner inside the container follow `--`, e.g.\n  rsrun container run --env test --image REF -- test --grep orders',
    );
}

export function configurePipelineCommand(cmd: Command): void {
  runOptions(buildOptions(imageLocation(cmd)))
    .option('--test-env <name>', 'environment tested first', CONTAINER_DEFAULTS.testEnv)
    .option('--prod-env <name>', 'environment promoted to', CONTAINER_DEFAULTS.prodEnv)
    .option('--json', 'print the stage results as JSON on stdout');
}
