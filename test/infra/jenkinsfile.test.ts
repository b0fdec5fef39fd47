/**
 * The Jenkinsfiles as the pipeline harness reads them: the stage order the issue asks for, one
 * runner or npm call per stage, credentials only around the push and named as the runner reads
 * them, prod only on main, and the scripted twin running exactly what the declarative file runs.
 */
import { expect } from 'chai';
import { REGISTRY_PASSWORD_VAR, REGISTRY_USER_VAR } from '../../runner/container/registry-auth';
import { parseJenkinsfile, type Pipeline, type Step } from './jenkinsfile';
import { readRepoFile } from './tools';

const commands = (steps: Step[]): string[] =>
  steps.flatMap((s) => (s.kind === 'sh' ? [s.script] : s.kind === 'credentials' ? commands(s.steps) : []));

describe('infra: Jenkinsfile stages', () => {
  let declarative: Pipeline;
  let scripted: Pipeline;

  before(async () => {
    declarative = parseJenkinsfile(await readRepoFile('Jenkinsfile'), 'Jenkinsfile');
    scripted = parseJenkinsfile(await readRepoFile('jenkins/Jenkinsfile.scripted'), 'jenkins/Jenkinsfile.scripted');
  });

  it('runs the stages in the order of the delivery flow', () => {
    expect(declarative.stages.map((s) => s.name)).to.deep.equal([
      'Checkout',
      'Install runner',
      'Unit-test runner',
      'Lint SQL',
      'Build image',
      'Push image',
      'Branch environment',
      'Deploy + test: branch',
      'Deploy + test: test',
      'Plan prod',
      'Approve prod',
      'Deploy + test: prod',
    ]);
  });

  it('keeps every stage to one call of the runner or an npm script', () => {
    for (const stage of declarative.stages) {
      const run = commands(stage.steps);
      if (stage.name === 'Checkout' || stage.name === 'Approve prod') {
        expect(run, stage.name).to.deep.equal([]);
        continue;
      }
      expect(run, stage.name).to.have.length(1);
      expect(run[0], stage.name).to.match(/^(node bin\/rsrun\.js [a-z]|npm (ci|test|run [a-z:-]+)\b)/);
    }
  });

  it('runs prod stages only on main, behind an approval that points at the plan', () => {
    const prod = declarative.stages.filter((s) => s.name.includes('prod'));
    expect(prod.map((s) => s.branch)).to.deep.equal(['main', 'main', 'main']);
    const approval = declarative.stages.find((s) => s.name === 'Approve prod')?.steps[0];
    expect(approval).to.deep.include({ kind: 'input' });
    expect(approval?.kind === 'input' && approval.message).to.include('prod-plan.txt');
    const shared = declarative.stages.filter((s) => !s.name.includes('prod') && !s.name.includes(': test') && !s.name.includes('ranch'));
    expect(shared.every((s) => s.branch === undefined && s.notBranch === undefined)).to.equal(true);
  });

  it('deploys main into shared test, every other branch into a branch environment it drops afterwards (issue 20)', () => {
    const byName = (name: string) => declarative.stages.find((s) => s.name === name);
    expect(byName('Deploy + test: test')).to.deep.include({ branch: 'main' });
    for (const name of ['Branch environment', 'Deploy + test: branch'])
      expect(byName(name), name).to.deep.include({ branch: undefined, notBranch: 'main' });
    expect(commands(byName('Branch environment')?.steps ?? [])).to.deep.equal([
      'node bin/rsrun.js env create --from test --name "$BRANCH_NAME"',
    ]);
    expect(commands(byName('Deploy + test: branch')?.steps ?? [])).to.deep.equal(['node bin/rsrun.js deploy --env "test:$BRANCH_NAME"']);
    // Dropped whatever happened (post { always }): a failed deploy leaves nothing behind either.
    expect(commands(byName('Deploy + test: branch')?.always ?? [])).to.deep.equal([
      'node bin/rsrun.js env drop --from test --name "$BRANCH_NAME"',
    ]);
  });

  it('binds only the Docker Hub credential, around the push and the deploys that pull it, under the names rsrun reads', () => {
    const bound = declarative.stages.flatMap((s) =>
      s.steps.filter((x) => x.kind === 'credentials').map((x) => ({ stage: s.name, step: x })),
    );
    expect(bound.map((b) => b.stage)).to.deep.equal(['Push image', 'Deploy + test: test', 'Deploy + test: prod']);
    for (const b of bound)
      expect(b.step, b.stage).to.deep.include({ id: 'dockerhub', variables: [REGISTRY_USER_VAR, REGISTRY_PASSWORD_VAR] });
  });

  it('publishes JUnit for lint and both deployments, and always cleans containers and the workspace', () => {
    const junit = declarative.stages.flatMap((s) => s.always.filter((x) => x.kind === 'junit').map(() => s.name));
    expect(junit).to.deep.equal(['Lint SQL', 'Deploy + test: branch', 'Deploy + test: test', 'Deploy + test: prod']);
    expect(declarative.always).to.deep.equal([{ kind: 'sh', script: 'bash jenkins/cleanup-containers.sh' }, { kind: 'cleanWs' }]);
  });

  it('has a scripted twin that runs the same steps in the same order', () => {
    expect(scripted).to.deep.equal(declarative);
  });

  it('refuses a step the harness cannot run', () => {
    const text = "pipeline { stages { stage('x') { steps { script { currentBuild.result = 'FAILURE' } } } } }";
    expect(() => parseJenkinsfile(text, 'bad')).to.throw(/step "script" is not one the pipeline harness can run/);
  });
});
