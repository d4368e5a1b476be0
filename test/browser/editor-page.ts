/**
 * The Node-RED editor in Debian's Chromium, driven with playwright-core: opening it in a locale,
 * collecting browser console errors, screenshots, deploying, reading node status.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { EditorGlobals } from './editor-globals';
import { REPO_ROOT } from './node-red-process';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.join(REPO_ROOT, 'test', 'artifacts');
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
];

/** The palette manager's outside catalogue: unreachable here by design, so its failure is expected. */
const CATALOGUE = /catalogue\.nodered\.org/;

export interface EditorSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors so far (the catalogue's failure left out). */
  errors: string[];
  close(): Promise<void>;
}

export async function openEditor(browser: Browser, url: string, locale: string): Promise<EditorSession> {
  const context = await browser.newContext({ locale, viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (CATALOGUE.test(message.location().url) || CATALOGUE.test(message.text())) return;
    errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  // Fail fast instead of waiting for DNS: the request is expected to fail either way.
  await page.route(CATALOGUE, (route) => route.abort('internetdisconnected'));
  await page.goto(url);
  await page.waitForSelector('#red-ui-palette-container-hikvision', { state: 'attached', timeout: 60_000 });
  await page.waitForFunction(() => {
    const { RED } = globalThis as unknown as Partial<EditorGlobals>;
    return RED?.nodes.getType('hikvision-listener') !== undefined;
  });
  // Passing notifications ("Successfully deployed") would cover the dialogs in every screenshot;
  // hidden, they still exist for the checks that read them.
  await page.addStyleTag({ content: '#red-ui-notifications { visibility: hidden; }' });
  return { context, page, errors, close: () => context.close() };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Clicks Deploy and waits until the editor says the flows are deployed; throws with what it shows otherwise. */
export async function deploy(page: Page): Promise<void> {
  await page.click('#red-ui-header-button-deploy');
  try {
    await page.waitForFunction(() => {
      const { RED, $ } = globalThis as unknown as EditorGlobals;
      // The editor keeps its busy shade up at least 300 ms after the answer: wait for it to go.
      return !RED.nodes.dirty() && $('#red-ui-header-button-deploy').hasClass('disabled') && !$('#red-ui-header-shade').is(':visible');
    }, undefined, { timeout: 30_000 });
  } catch {
    const shown = await page.evaluate(() => {
      const { $ } = globalThis as unknown as EditorGlobals;
      return $('.red-ui-notification:visible, .ui-dialog:visible').text();
    });
    throw new Error(`deploy did not finish; the editor shows: ${shown.trim().slice(0, 500)}`);
  }
  const failed = await page.evaluate(() => {
    const { $ } = globalThis as unknown as EditorGlobals;
    return $('.red-ui-notification-error:visible').text();
  });
  if (failed.trim()) throw new Error(`deploy reported: ${failed.trim()}`);
}

export interface ShownStatus { fill?: string; shape?: string; text?: string }

/** Waits until the editor shows a status of this fill whose text matches; returns it. */
export async function waitForStatus(page: Page, id: string, fill: string, text: RegExp, timeout = 30_000): Promise<ShownStatus> {
  try {
    const handle = await page.waitForFunction(({ nodeId, wantFill, source, flags }) => {
      const { RED } = globalThis as unknown as EditorGlobals;
      const s = RED.nodes.node(nodeId)?.status;
      return s && s.fill === wantFill && new RegExp(source, flags).test(s.text ?? '') ? s : null;
    }, { nodeId: id, wantFill: fill, source: text.source, flags: text.flags }, { timeout });
    return (await handle.jsonValue()) as ShownStatus;
  } catch {
    const shown = await page.evaluate((nodeId) => {
      const { RED } = globalThis as unknown as EditorGlobals;
      return RED.nodes.node(nodeId)?.status;
    }, id);
    throw new Error(`node ${id}: expected a ${fill} status matching ${String(text)}, the editor shows ${JSON.stringify(shown)}`);
  }
}
