// Loads the Banana Cake Pop IDE served by GenAuth.Server in Debian chromium and runs a query through its editor:
// types it, presses Run, reads the response pane.
// Run: cd tests/browser && npm ci && GENAUTH_URL=http://127.0.0.1:5000/graphql/v2 npm test
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

import { startServer } from '../sdk-compat/server.mjs';

// GENAUTH_URL points at a running server; without it the test starts its own (the dotnet test wrapper's way).
const server = process.env.GENAUTH_URL ? null : await startServer();
const ideUrl = new URL(process.env.GENAUTH_URL ?? `${server.baseUrl}/graphql/v2`);
const endpoint = ideUrl.origin + ideUrl.pathname.replace(/\/$/, '');
const artifacts = new URL('./artifacts/', import.meta.url);
// Monaco renders spaces as U+00A0 and one line per element.
const normalize = (text) => text.replace(/\u00a0/g, ' ').trim();
const isGraphQLPost = (request, text) =>
  request.method() === 'POST' && request.url().replace(/\/$/, '') === endpoint && (request.postData() ?? '').includes(text);

test('Banana Cake Pop IDE loads from our origin, introspects and runs a query', { timeout: 120_000 }, async (t) => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  t.after(async () => {
    await browser.close();
    await server?.stop();
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();

  // Context-level events also cover requests made by workers and the IDE's service worker.
  const requests = [];
  context.on('requestfinished', async (r) => requests.push({ url: r.url(), ok: true, status: (await r.response())?.status() }));
  context.on('requestfailed', (r) => requests.push({ url: r.url(), ok: false, error: r.failure()?.errorText }));
  // The IDE runs under the server's Content-Security-Policy: Chromium reports every blocked load or eval here.
  const cspViolations = [];
  const onConsole = (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); };
  page.on('console', onConsole);
  page.on('worker', (w) => w.on('console', onConsole));

  // The IDE first probes with small `__type(name: "__Schema")`-style IntrospectionQuery requests, then sends `__schema`.
  const probe = page.waitForRequest((r) => isGraphQLPost(r, '"operationName":"IntrospectionQuery"'), { timeout: 30_000 });
  const introspection = page.waitForResponse((r) => isGraphQLPost(r.request(), '__schema {'), { timeout: 30_000 });
  introspection.catch(() => {}); // awaited below, after the probe assertion explains a failure better
  const response = await page.goto(ideUrl.href);
  assert.equal(response?.status(), 200);
  assert.match(response.headers()['content-type'], /text\/html/);
  assert.match(response.headers()['content-security-policy'] ?? '', /frame-ancestors 'none'/, 'the IDE page sends a CSP');
  assert.equal(response.headers()['x-content-type-options'], 'nosniff');

  // The IDE only introspects once a document is open; the endpoint comes from bcp-config.json.
  await page.getByRole('button', { name: 'Create Document' }).click({ timeout: 30_000 });
  assert.equal((await (await probe).response())?.status(), 200, `introspection probe POST ${endpoint}`);
  const introspectionResponse = await introspection;
  assert.equal(introspectionResponse.status(), 200, 'introspection POST status');
  assert.ok((await introspectionResponse.json()).data?.__schema, 'introspection returned a schema');

  // Drive the real editor: type an operation into the operations editor, press Run, read the response pane. There is
  // no fallback: if the IDE can't be driven, it can't run a query, and this test fails.
  const operations = page.locator('.monaco-editor[data-uri^="file:///operations/"]');
  await operations.click({ timeout: 10_000 });
  await page.keyboard.press('ControlOrMeta+A');
  // insertText, not type(): typed braces would be auto-closed by the editor ("{ ... }}").
  await page.keyboard.insertText('{ ideProbe: __typename }');
  assert.equal(normalize(await operations.locator('.view-lines').innerText()), '{ ideProbe: __typename }', 'operations editor text');

  // The IDE copies editor text into its document state after a debounce, and Run sends nothing before that: press
  // Run until the typed operation goes out (bounded), rather than sleeping and hoping the debounce has passed.
  const ran = page.waitForResponse((r) => isGraphQLPost(r.request(), 'ideProbe'), { timeout: 20_000 });
  let sent = false;
  ran.then(() => { sent = true; }, () => {});
  for (let attempt = 0; attempt < 10 && !sent; attempt++) {
    await page.getByRole('button', { name: /^Run Operation/ }).click({ timeout: 10_000 });
    await Promise.race([ran.catch(() => {}), page.waitForTimeout(1_000)]);
  }
  const runResponse = await ran;
  assert.equal(runResponse.status(), 200, 'the IDE\'s run POST status');
  assert.deepEqual(JSON.parse(runResponse.request().postData()).query, '{ ideProbe: __typename }', 'the IDE sent the typed operation');
  assert.deepEqual(await runResponse.json(), { data: { ideProbe: 'Query' } }, 'server answer to the IDE');

  // The response pane is the editor that is neither the operations nor the variables one.
  const responsePane = page.locator('.monaco-editor:not([data-uri^="file:///operations/"]):not([data-uri^="file:///variables/"]) .view-lines');
  let shown = '';
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    shown = normalize(await responsePane.first().innerText().catch(() => ''));
    if (shown.includes('"ideProbe"')) break;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(JSON.parse(shown || 'null'), { data: { ideProbe: 'Query' } }, `response pane shows: ${shown}`);

  await page.waitForTimeout(1_000);
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: new URL('ide.png', artifacts).pathname });

  t.diagnostic(`${requests.length} requests recorded`);
  for (const r of requests.filter((r) => !r.ok)) t.diagnostic(`failed request: ${r.url} (${r.error})`);
  const foreign = requests.filter((r) => r.ok && new URL(r.url).origin !== ideUrl.origin && !r.url.startsWith('data:'));
  assert.deepEqual(foreign, [], 'every successful request must go to the server origin');
  assert.deepEqual(cspViolations, [], 'nothing the IDE needs is blocked by its CSP');
});
