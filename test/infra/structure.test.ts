/**
 * Structural checks of the infrastructure files that no linter knows about: the IAM policies are
 * least-privilege, the alarms watch metrics the runner really publishes, JCasC has no anonymous
 * access and no secret of its own, and every secret it reads is one the EC2 host lays out.
 */
import { expect } from 'chai';
import { parse } from 'yaml';
import { metricsFor } from '../../runner/shipping/metrics';
import type { RunReport } from '../../runner/run/run-report';
import { parseCloudFormation, type Json } from './cfn-yaml';
import { readRepoFile, repoFiles } from './tools';

type Obj = { [key: string]: Json };
const asArray = (v: Json | undefined): Json[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const obj = (v: Json | undefined): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {});

/** Services whose statements must name their resources (no `Resource: "*"`). */
const SENSITIVE = ['s3', 'secretsmanager', 'redshift', 'redshift-serverless', 'redshift-data', 'iam', 'kms', 'sts', 'logs'];

describe('infra structure: CloudFormation IAM policies', () => {
  let template: Obj;
  let statements: Obj[];

  before(async () => {
    template = parseCloudFormation(await readRepoFile('ec2/template.yaml'));
    const role = obj(obj(obj(template.Resources).JenkinsRole).Properties);
    statements = asArray(role.Policies).flatMap((p) => asArray(obj(obj(p).PolicyDocument).Statement).map(obj));
    expect(statements.length).to.be.greaterThan(3);
  });

  it('grants explicit actions only, never a wildcard action', () => {
    for (const s of statements) {
      for (const action of asArray(s.Action)) {
        expect(action, JSON.stringify(s)).to.be.a('string').and.not.match(/\*/);
      }
      expect(s.NotAction, 'NotAction grants everything else').to.equal(undefined);
      expect(s.Effect).to.equal('Allow');
    }
  });

  it('names the resources of every sensitive service', () => {
    for (const s of statements) {
      const services = asArray(s.Action).map((a) => String(a).split(':')[0]);
      if (services.some((svc) => SENSITIVE.includes(svc ?? ''))) {
        expect(asArray(s.Resource), JSON.stringify(s)).to.not.include('*');
      }
    }
  });

  it('limits reports to the bucket prefix, metrics to the namespace, secrets and Redshift users by name', () => {
    const byAction = (a: string) => statements.filter((s) => asArray(s.Action).includes(a));
    const [put] = byAction('s3:PutObject');
    expect(JSON.stringify(put?.Resource)).to.equal(JSON.stringify({ 'Fn::Sub': '${ReportBucket.Arn}/${ReportPrefix}/*' }));
    const [metrics] = byAction('cloudwatch:PutMetricData');
    expect(asArray(obj(obj(metrics?.Condition).StringEquals)['cloudwatch:namespace'])).to.deep.include({ Ref: 'MetricsNamespace' });
    const secretArns = byAction('secretsmanager:GetSecretValue')
      .flatMap((s) => asArray(s.Resource))
      .map((r) => String(obj(r)['Fn::Sub']));
    expect(secretArns).to.have.length(2);
    for (const arn of secretArns) expect(arn).to.match(/:secret:\$\{(Jenkins|Warehouse)SecretsPrefix\}\/\*$/);
    const redshift = byAction('redshift:GetClusterCredentials')
      .flatMap((s) => asArray(s.Resource))
      .map((r) => String(obj(r)['Fn::Sub']));
    expect(redshift.filter((arn) => arn.includes(':dbuser:'))).to.have.length(2);
    for (const arn of redshift)
      expect(arn).to.match(
        /:(dbuser:\$\{(Test|Prod)ClusterIdentifier\}\/\$\{DeployDbUser\}|dbname:\$\{(Test|Prod)ClusterIdentifier\}\/\$\{DatabaseName\})$/,
      );
  });

  it('hard-codes no account id, access key or address outside parameter defaults', async () => {
    const text = await readRepoFile('ec2/template.yaml');
    expect(text).to.not.match(/\b\d{12}\b/);
    expect(text).to.not.match(/\b(AKIA|ASIA)[0-9A-Z]{16}\b/);
    const parameterDefaults = new Set(Object.values(obj(template.Parameters)).flatMap((p) => String(obj(p).Default ?? '').split(',')));
    const addresses = [...text.matchAll(/\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?/g)].map((m) => m[0]);
    for (const address of addresses) {
      expect(address === '0.0.0.0/0' || parameterDefaults.has(address), `${address} is hard-coded`).to.equal(true);
    }
  });
});

describe('infra structure: CloudWatch alarms match the metrics the runner publishes', () => {
  /** What runner/shipping publishes for a failed deployment whose tests failed and errored. */
  function publishedMetrics(): Map<string, string[]> {
    const report = {
      command: 'deploy',
      status: 'failed',
      environment: 'prod',
      project: 'rsrun',
      finishedAt: new Date().toISOString(),
      durationMs: 10,
      migrations: [],
      tests: [
        { status: 'failed', durationMs: 1 },
        { status: 'error', durationMs: 1 },
      ],
      summary: { migrationsApplied: 0, migrationsFailed: 1, total: 2, passed: 0, failed: 1, errors: 1, skipped: 0 },
    } as unknown as RunReport;
    return new Map(metricsFor(report).map((m) => [m.name, Object.keys(m.dimensions).sort()]));
  }

  it('uses only metric names and dimensions from runner/shipping/metrics.ts, in the configured namespace', async () => {
    const template = parseCloudFormation(await readRepoFile('ec2/template.yaml'));
    const published = publishedMetrics();
    const alarms = Object.entries(obj(template.Resources)).filter(([, r]) => obj(r).Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.map(([name]) => name)).to.include.members([
      'ProdDeploymentFailedAlarm',
      'ProdTestsFailedAlarm',
      'NoSuccessfulProdDeploymentAlarm',
    ]);
    for (const [name, resource] of alarms) {
      const p = obj(obj(resource).Properties);
      const metrics = p.Metrics
        ? asArray(p.Metrics)
            .map((m) => obj(obj(obj(m).MetricStat).Metric))
            .filter((m) => m.MetricName !== undefined)
        : [p];
      expect(metrics.length, name).to.be.greaterThan(0);
      for (const m of metrics) {
        const metricName = String(m.MetricName);
        expect(published.has(metricName), `${name}: ${metricName} is not published by the runner`).to.equal(true);
        const dims = asArray(m.Dimensions)
          .map((d) => String(obj(d).Name))
          .sort();
        expect(dims, name).to.deep.equal(published.get(metricName));
        expect(m.Namespace, name).to.deep.equal({ Ref: 'MetricsNamespace' });
      }
      expect(asArray(p.AlarmActions), name).to.deep.include({ Ref: 'AlarmTopic' });
    }
  });
});

describe('infra structure: JCasC and host secrets', () => {
  let cascText: string;
  let casc: Obj;

  before(async () => {
    cascText = await readRepoFile('jenkins/casc/jenkins.yaml');
    casc = parse(cascText) as Obj;
  });

  it('has a local realm without sign-up, no anonymous access and no setup wizard', async () => {
    const jenkins = obj(casc.jenkins);
    const local = obj(obj(jenkins.securityRealm).local);
    expect(local.allowsSignup).to.equal(false);
    const [admin] = asArray(local.users).map(obj);
    expect(admin?.password).to.equal('${readFile:/run/secrets/jenkins-admin-password}');
    const entries = asArray(obj(obj(jenkins.authorizationStrategy).globalMatrix).entries).map(obj);
    const principals = entries.map((e) => String(obj(e.user ?? e.group).name));
    expect(principals).to.not.include('anonymous');
    expect(principals).to.include('authenticated');
    expect(cascText).to.not.match(/anonymous|allowAnonymousRead|unsecured/i);
    expect(await readRepoFile('jenkins/Dockerfile')).to.match(/-Djenkins\.install\.runSetupWizard=false/);
  });

  it('reads every secret from a host file that ec2/bootstrap.sh lays out, and every host secret is used', async () => {
    const read = new Set([...cascText.matchAll(/\$\{readFile:\/run\/secrets\/([a-z0-9-]+)\}/g)].map((m) => m[1]));
    const bootstrap = await readRepoFile('ec2/bootstrap.sh');
    const declared = /^JENKINS_SECRETS=\(([^)]*)\)/m.exec(bootstrap)?.[1]?.trim().split(/\s+/) ?? [];
    expect([...read].sort()).to.deep.equal([...declared].sort());
    expect(read.size).to.be.greaterThan(2);
    // The README's layout lists the same files, so ops know what to create.
    const readme = await readRepoFile('README.md');
    for (const name of declared) expect(readme, `README documents ${name}`).to.include(`${name}`);
  });

  it('keeps no secret in the file: every password and secret is a readFile reference', () => {
    const secrets: string[] = [];
    const walk = (v: Json, key: string): void => {
      if (Array.isArray(v)) v.forEach((x) => walk(x, key));
      else if (v !== null && typeof v === 'object') Object.entries(v).forEach(([k, x]) => walk(x, k));
      else if (/^(password|secret|token|privateKey|passphrase)$/i.test(key)) secrets.push(String(v));
    };
    walk(casc as Json, '');
    expect(secrets.length).to.be.greaterThan(3);
    for (const s of secrets) expect(s).to.match(/^\$\{readFile:\/run\/secrets\/[a-z0-9-]+\}$/);
  });

  it('gets every other variable from the documented environment file', async () => {
    const uncommented = cascText.replace(/^\s*#.*$/gm, '');
    const vars = new Set([...uncommented.matchAll(/\$\{([A-Z][A-Z0-9_]*)(?::-[^}]*)?\}/g)].map((m) => m[1]));
    expect(vars.size).to.be.greaterThan(4);
    const example = await readRepoFile('jenkins/jenkins.env.example');
    const defined = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    for (const v of vars) expect(defined.has(v), `${v} missing from jenkins/jenkins.env.example`).to.equal(true);
    const bootstrap = await readRepoFile('ec2/bootstrap.sh');
    for (const v of defined) expect(bootstrap, `bootstrap writes ${v}`).to.match(new RegExp(`^${v}=`, 'm'));
  });

  it('defines every credential the Jenkinsfiles bind', async () => {
    const ids = new Set(
      asArray(obj(obj(casc.credentials).system).domainCredentials)
        .flatMap((d) => asArray(obj(d).credentials))
        .flatMap((c) => Object.values(obj(c)).map((v) => String(obj(v).id))),
    );
    for (const file of ['Jenkinsfile', 'jenkins/Jenkinsfile.scripted']) {
      const used = [...(await readRepoFile(file)).matchAll(/credentialsId: '([^']+)'/g)].map((m) => m[1]);
      expect(used, file).to.not.be.empty;
      for (const id of used) expect(ids.has(id ?? ''), `${file} binds ${id}`).to.equal(true);
    }
  });

  it('commits no key material or token in the infrastructure files', async () => {
    const files = await repoFiles('Jenkinsfile', 'jenkins', 'ec2', 'docker-compose.yml');
    expect(files.length).to.be.greaterThan(6);
    for (const file of files) {
      const text = await readRepoFile(file);
      expect(text, file).to.not.match(/\b(AKIA|ASIA)[0-9A-Z]{16}\b/);
      expect(text, file).to.not.match(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
      expect(text, file).to.not.match(/\b(ghp|gho|ghs|github_pat)_[A-Za-z0-9_]{20,}/);
      expect(text, file).to.not.match(/\bdckr_pat_[A-Za-z0-9_-]{10,}/);
    }
  });
});
