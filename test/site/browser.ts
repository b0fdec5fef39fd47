/**
 * Headless Debian Chromium through playwright-core (never a downloaded browser), and the checks
 * every site page gets: nothing requested outside the site, no script error, and every relative
 * link leads to something that exists.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'chai';
import { requireService } from '../support/services';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function requireChromium(ctx: Mocha.Context): Promise<void> {
  await requireService(
    ctx,
    'Chromium',
    async () => {
      if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found`);
    },
    'run scripts/setup-test-services.sh (installs Debian chromium)',
  );
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/** A page that records what it requested and the script errors it raised. */
export async function sitePage(browser: Browser): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { page, requests, errors };
}

/** Every `a[href]` of the page that stays inside the site, resolved against the page's address. */
export async function siteLinks(page: Page): Promise<string[]> {
  const hrefs = await page.$$eval('a[href]', (as) =>
    as.map((a) => (a as unknown as { href: string; getAttribute(n: string): string }).getAttribute('href')),
  );
  return [
    ...new Set(hrefs.filter((h) => !/^[a-z]+:/i.test(h) && !h.startsWith('#')).map((h) => new URL(h, page.url()).href.replace(/#.*$/, ''))),
  ];
}

/** Each link answers: the file exists (file://) or the server says 200 (http://). */
export async function expectLinksWork(page: Page, links: string[]): Promise<void> {
  expect(links.length).to.be.greaterThan(0);
  const broken: string[] = [];
  for (const link of links) {
    if (link.startsWith('file:')) {
      if (!existsSync(fileURLToPath(link))) broken.push(link);
    } else {
      const res = await page.request.get(link);
      if (res.status() !== 200) broken.push(`${link} (${res.status()})`);
    }
  }
  expect(broken).to.deep.equal([]);
}
