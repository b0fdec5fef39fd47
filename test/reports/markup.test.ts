/**
 * The one XML escaper and the one HTML escaper: XML must stay well-formed whatever a test's data
 * held (control characters, lone UTF-16 surrogates from a truncated string), in the test reports'
 * junit.xml and in the lint's JUnit output alike.
 */
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { formatJunit } from '../../runner/lint/format';
import { renderJunitXml } from '../../runner/reports/junit-xml';
import { htmlEscape, xmlEscape } from '../../runner/reports/markup';

const HOSTILE = `a\u0000b\u0001c\u001Fd\uFFFEe\uFFFFf\uD800g\uDC00h<&>"'\t\n\r😀`;

async function wellFormedJunit(xml: string): Promise<string[]> {
  const schema = await readFile(path.join(__dirname, '..', 'fixtures', 'junit-10.xsd'), 'utf8');
  const result = await validateXML({ xml: [{ fileName: 'junit.xml', contents: xml }], schema: [{ fileName: 'junit-10.xsd', contents: schema }] });
  return result.errors.map((e) => e.message);
}

describe('markup escaping', () => {
  it('xml: control characters, U+FFFE/U+FFFF and lone surrogates become U+FFFD; markup is escaped; pairs, tab and newlines stay', () => {
    expect(xmlEscape(HOSTILE)).to.equal('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\uFFFDg\uFFFDh&lt;&amp;&gt;&quot;\'\t\n\r😀');
  });

  it('xml: a JUnit document with every such character in attributes and bodies parses and validates', async () => {
    const xml = renderJunitXml({ name: HOSTILE, tests: 1, failures: 1, errors: 0 }, [
      {
        attrs: { name: HOSTILE, tests: 1, failures: 1, errors: 0, skipped: 0 },
        properties: [['rsrun.run_id', HOSTILE]],
        cases: [{ attrs: { name: HOSTILE, classname: HOSTILE }, result: { kind: 'failure', attrs: { message: HOSTILE, type: 'x' }, body: HOSTILE }, systemOut: HOSTILE }],
      },
    ]);
    expect(await wellFormedJunit(xml)).to.deep.equal([]);
  });

  it('xml: the lint JUnit output goes through the same escaper', async () => {
    const xml = formatJunit([{ rule: 'RS009', severity: 'error', file: 'V1__x.sql', line: 1, message: HOSTILE }], ['V1__x.sql']);
    expect(xml).to.contain('message="a\uFFFDb').and.not.to.contain('\uD800g');
  });

  it('html: the five characters that matter in text and attributes', () => {
    expect(htmlEscape(`<a href="x" title='y'>&</a>`)).to.equal('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
