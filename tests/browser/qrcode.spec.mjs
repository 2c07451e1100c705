// The hosted QR login page (/login/qrcode) in Debian chromium: the app scans and confirms (or cancels) through the
// REST API, and the page changes state each time without polling, over WebSocket or, when WebSockets are blocked, SSE.
// Run: cd tests/browser && npm ci && node --test qrcode.spec.mjs   (starts its own server, like ide.spec.mjs)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

import { startServer } from '../sdk-compat/server.mjs';

const server = await startServer();
const artifacts = new URL('./artifacts/', import.meta.url);
mkdirSync(artifacts, { recursive: true });
const shot = (page, name) => page.screenshot({ path: new URL(`qrcode-${name}.png`, artifacts).pathname });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

test.after(async () => {
  await browser.close();
  await server.stop();
});

async function graphql(query, variables, token) {
  const headers = { 'content-type': 'application/json', 'x-authing-userpool-id': server.userPoolId };
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await fetch(`${server.baseUrl}/graphql/v2`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await r.json();
  assert.equal(body.errors, undefined, JSON.stringify(body));
  return body.data;
}

/** The app's end user: registered, logged in, with a nickname the page will show. */
async function appUser(nickname) {
  const email = `${nickname.toLowerCase()}-${Date.now()}@example.com`;
  const password = 'Correct-Horse-91';
  await graphql('mutation($i: RegisterByEmailInput!) { registerByEmail(input: $i) { id } }', { i: { email, password } });
  const { loginByEmail } = await graphql('mutation($i: LoginByEmailInput!) { loginByEmail(input: $i) { token } }',
    { i: { email, password } });
  await graphql('mutation($i: UpdateUserInput!) { updateUser(input: $i) { id } }', { i: { nickname } }, loginByEmail.token);
  return loginByEmail.token;
}

/** What the app does after reading the QR code: POST /api/qrcode/{action} with the user's token. */
async function app(action, random, token) {
  const r = await fetch(`${server.baseUrl}/api/qrcode/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-authing-userpool-id': server.userPoolId, authorization: `Bearer ${token}` },
    body: JSON.stringify({ random }),
  });
  const body = await r.json();
  assert.equal(body.code, 200, JSON.stringify(body));
}

async function openPage(t, { blockWebSockets = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 480, height: 560 } });
  t.after(() => context.close());
  if (blockWebSockets) await context.routeWebSocket(/.*/, (ws) => ws.close());
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  const response = await page.goto(`${server.baseUrl}/login/qrcode?app_id=${server.appId}`);
  assert.equal(response?.status(), 200);
  const main = page.locator('main#qr');
  await main.and(page.locator('[data-status="0"]')).waitFor({ timeout: 30_000 });
  const random = await main.getAttribute('data-random');
  assert.match(random, /^[0-9a-f]{32}$/);
  // The QR PNG is served by the url gene returned.
  await page.waitForFunction(() => {
    const img = document.getElementById('qr-image');
    return img.complete && img.naturalWidth > 0;
  }, null, { timeout: 20_000 });
  return { page, main, random, requests };
}

const statusIs = (page, status) =>
  page.locator(`main#qr[data-status="${status}"]`).waitFor({ timeout: 20_000 });

test('the page shows the scanner, then signed in, pushed over WebSocket', { timeout: 120_000 }, async (t) => {
  const token = await appUser('Playwright');
  const { page, main, random, requests } = await openPage(t);
  await page.locator('#transport', { hasText: 'WebSocket' }).waitFor({ timeout: 20_000 });
  await shot(page, '1-waiting');

  await app('scanned', random, token);
  await statusIs(page, '1');
  assert.equal(await page.locator('#nickname').textContent(), 'Playwright');
  await shot(page, '2-scanned');

  await app('confirm', random, token);
  await statusIs(page, '2');
  assert.ok((await main.getAttribute('data-ticket'))?.length > 20, 'the page holds the ticket for the app');
  assert.equal(await page.locator('#message').textContent(), 'Signed in');
  await shot(page, '3-signed-in');

  assert.deepEqual(requests.filter((u) => u.includes('/qrcode/check')), [], 'the page never polls check');
});

test('with WebSockets blocked the page falls back to SSE and shows a cancel', { timeout: 120_000 }, async (t) => {
  const token = await appUser('Fallback');
  const { page, random, requests } = await openPage(t, { blockWebSockets: true });
  await page.locator('#transport', { hasText: 'SSE' }).waitFor({ timeout: 20_000 });

  await app('scanned', random, token);
  await statusIs(page, '1');
  await shot(page, '4-sse-scanned');

  await app('cancel', random, token);
  await statusIs(page, '3');
  assert.ok(await page.locator('#refresh').isVisible(), 'a cancelled code offers a refresh');
  await shot(page, '5-sse-cancelled');

  assert.deepEqual(requests.filter((u) => u.includes('/qrcode/check')), [], 'the page never polls check');
});
