/**
 * The infrastructure passes the linters a reviewer would run, and each linter is shown to fail on a
 * broken input (so a green run means something): npm-groovy-lint on both Jenkinsfiles, Docker
 * Compose on docker-compose.yml, cfn-lint on the CloudFormation template, shellcheck on every shell
 * script, yamllint on every YAML file, dockerfile-utils on the Jenkins controller's Dockerfile.
 */
import { expect } from 'chai';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validate as validateDockerfile } from 'dockerfile-utils';
import { requireService } from '../support/services';
import { REPO, npmBin, probeTool, readRepoFile, repoFiles, runTool } from './tools';

const YAMLLINT_CONFIG = 'test/infra/yamllint.yaml';
let scratch: string;

before(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'rsrun-infra-'));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('infra lint: Jenkinsfiles (npm-groovy-lint)', function () {
  // A bound, not a measure: a JVM starting CodeNarc took 50 s at load ~5 and passed mocha's
  // default 120 s at load 18-23 on the 2-core machine (fresh-clone .ci/run of 2026-12-02).
  this.timeout(600_000);
  const groovyLint = (files: string[]) =>
    // --noserver: no CodeNarc daemon left running after the test.
    runTool(npmBin('npm-groovy-lint'), ['--noserver', '--config', 'jenkins/.groovylintrc.json', '--failon', 'warning', ...files], {
      timeoutMs: 540_000,
    });

  before(async function () {
    await requireService(
      this,
      'npm-groovy-lint (Java 17)',
      () => probeTool('java', ['-version']),
      'install a Java 17 runtime (scripts/setup-test-services.sh) and run npm ci',
    );
  });

  it('passes the declarative Jenkinsfile and its scripted twin without a warning', async () => {
    const r = await groovyLint(['Jenkinsfile', 'jenkins/Jenkinsfile.scripted']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/linted files/);
  });

  it('fails a broken Jenkinsfile', async () => {
    const good = await readRepoFile('Jenkinsfile');
    // Drop the closing brace of the `stages` block: a syntax error Jenkins would refuse.
    const broken = good.replace(/\n {4}\}\n\n {4}post \{/, '\n\n    post {');
    expect(broken).to.not.equal(good);
    const file = path.join(scratch, 'Jenkinsfile');
    await writeFile(file, broken);
    const r = await groovyLint([file]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/error/i);
  });
});

describe('infra lint: docker-compose.yml (Docker Compose)', function () {
  before(async function () {
    await requireService(
      this,
      'docker-compose',
      () => probeTool('docker-compose', ['version']),
      "install Debian's docker-compose package (scripts/setup-test-services.sh)",
    );
  });

  async function composeConfig(composeFile: string) {
    const root = path.join(scratch, 'jenkins-root');
    await mkdir(path.join(root, 'config'), { recursive: true });
    await copyFile(path.join(REPO, 'jenkins/jenkins.env.example'), path.join(root, 'config', 'jenkins.env'));
    return runTool('docker-compose', ['-f', composeFile, 'config'], {
      env: { ...process.env, RSRUN_JENKINS_ROOT: root, DOCKER_GID: '999' },
    });
  }

  it('validates, with config and secrets mounted read-only and history in a volume', async () => {
    const r = await composeConfig(path.join(REPO, 'docker-compose.yml'));
    expect(r.code, r.stderr).to.equal(0);
    const volumes = r.stdout;
    expect(volumes).to.match(/\/config:\/var\/jenkins_conf:ro/);
    expect(volumes).to.match(/\/secrets:\/run\/secrets:ro/);
    expect(volumes).to.match(/jenkins-builds:\/var\/jenkins_home\/jobs:rw/);
    expect(volumes).to.match(/restart: unless-stopped/);
  });

  it('fails a compose file with an unknown option', async () => {
    const broken = (await readRepoFile('docker-compose.yml')).replace('restart: unless-stopped', 'restart_policy_typo: always');
    const file = path.join(scratch, 'docker-compose.yml');
    await writeFile(file, broken);
    const r = await composeConfig(file);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.match(/restart_policy_typo/);
  });
});

describe('infra lint: CloudFormation (cfn-lint)', () => {
  it('validates ec2/template.yaml', async () => {
    const r = await runTool(npmBin('cfn-lint'), ['validate', 'ec2/template.yaml']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/Template valid!/);
  });

  it('fails a template with a reference to a resource that does not exist', async () => {
    const broken = (await readRepoFile('ec2/template.yaml')).replace('TopicArn: !Ref AlarmTopic', 'TopicArn: !Ref NoSuchTopic');
    const file = path.join(scratch, 'template.yaml');
    await writeFile(file, broken);
    const r = await runTool(npmBin('cfn-lint'), ['validate', file]);
    expect(r.code).to.not.equal(0);
    expect(r.stdout + r.stderr).to.match(/NoSuchTopic/);
  });
});

describe('infra lint: shell scripts (shellcheck)', function () {
  before(async function () {
    await requireService(
      this,
      'shellcheck',
      () => probeTool('shellcheck'),
      "install Debian's shellcheck package (scripts/setup-test-services.sh)",
    );
  });

  it('passes every shell script in the repository', async () => {
    const scripts = await repoFiles('*.sh', '.ci/run');
    for (const expected of ['ec2/bootstrap.sh', 'jenkins/cleanup-containers.sh', 'scripts/lint-infra.sh', '.ci/run']) {
      expect(scripts).to.include(expected);
    }
    const r = await runTool('shellcheck', ['--format', 'gcc', ...scripts]);
    expect(r.code, r.stdout).to.equal(0);
  });

  it('fails a script with an unquoted expansion', async () => {
    const file = path.join(scratch, 'bad.sh');
    await writeFile(file, '#!/usr/bin/env bash\nrm -rf $1/tmp\n');
    const r = await runTool('shellcheck', ['--format', 'gcc', file]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/SC2086/);
  });
});

describe('infra lint: YAML (yamllint)', function () {
  before(async function () {
    await requireService(
      this,
      'yamllint',
      () => probeTool('yamllint', ['--version']),
      "install Debian's yamllint package (scripts/setup-test-services.sh)",
    );
  });

  it('passes every YAML file in the repository', async () => {
    const files = await repoFiles('*.yml', '*.yaml');
    expect(files).to.include.members(['docker-compose.yml', 'ec2/template.yaml', 'jenkins/casc/jenkins.yaml']);
    const r = await runTool('yamllint', ['--strict', '-f', 'parsable', '-c', YAMLLINT_CONFIG, ...files]);
    expect(r.code, r.stdout).to.equal(0);
  });

  it('fails a file with a duplicated key', async () => {
    const file = path.join(scratch, 'dup.yaml');
    await writeFile(file, 'jenkins:\n  numExecutors: 2\n  numExecutors: 3\n');
    const r = await runTool('yamllint', ['--strict', '-f', 'parsable', '-c', YAMLLINT_CONFIG, file]);
    expect(r.code).to.not.equal(0);
    expect(r.stdout).to.match(/duplication of key "numExecutors"/);
  });
});

describe('infra lint: jenkins/Dockerfile (dockerfile-utils)', () => {
  it('has no finding', async () => {
    const text = await readFile(path.join(REPO, 'jenkins/Dockerfile'), 'utf8');
    expect(validateDockerfile(text).map((d) => `${d.range.start.line + 1}: ${d.message}`)).to.deep.equal([]);
  });

  it('reports a broken instruction', () => {
    const findings = validateDockerfile('FROM jenkins/jenkins:lts\nEXPOSE eighty\nUSER\n');
    expect(findings.length).to.be.greaterThan(0);
  });
});
