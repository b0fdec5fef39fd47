/**
 * The one JUnit XML writer, for Jenkins' `junit` step: the test reports (junit.ts) and the lint
 * (lint/format.ts) describe suites and cases; this turns them into the document, escaping every
 * attribute and text with `xmlEscape`. Attributes keep the order the caller gives them.
 */
import { xmlEscape } from './markup';

export type XmlAttributes = Record<string, string | number | undefined>;

export interface JunitCase {
  attrs: XmlAttributes;
  /** A failure/error with a body, or a skipped marker (no body). */
  result?: { kind: 'failure' | 'error' | 'skipped'; attrs: XmlAttributes; body?: string };
  systemOut?: string;
  systemErr?: string;
}

export interface JunitSuite {
  attrs: XmlAttributes;
  properties?: readonly (readonly [name: string, value: string])[];
  cases: readonly JunitCase[];
}

export function renderJunitXml(attrs: XmlAttributes, suites: readonly JunitSuite[]): string {
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${attributes(attrs)}>`, ...suites.map(suite), '</testsuites>', ''].join('\n');
}

function suite(s: JunitSuite): string {
  const props = s.properties?.length
    ? ['    <properties>', ...s.properties.map(([name, value]) => `      <property${attributes({ name, value })}/>`), '    </properties>']
    : [];
  return [`  <testsuite${attributes(s.attrs)}>`, ...props, ...s.cases.map(testcase), '  </testsuite>'].join('\n');
}

function testcase(c: JunitCase): string {
  const head = `    <testcase${attributes(c.attrs)}`;
  const body: string[] = [];
  if (c.result) {
    const open = `      <${c.result.kind}${attributes(c.result.attrs)}`;
    body.push(c.result.body === undefined ? `${open}/>` : `${open}>${xmlEscape(c.result.body)}</${c.result.kind}>`);
  }
  if (c.systemOut) body.push(`      <system-out>${xmlEscape(c.systemOut)}</system-out>`);
  if (c.systemErr) body.push(`      <system-err>${xmlEscape(c.systemErr)}</system-err>`);
  return body.length ? `${head}>\n${body.join('\n')}\n    </testcase>` : `${head}/>`;
}

function attributes(a: XmlAttributes): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
}
