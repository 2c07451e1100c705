// The official SDK's code flows against a real GenAuth server with no mail server
// or SMS gateway configured: codes are read from the outbox (data/outbox.jsonl).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { AuthenticationClient } from 'authing-js-sdk';
import { assertJwt, sdkCall, sdkError, unique } from './sdk-assert.mjs';
import { startServer } from './server.mjs';

const PASSWORD = 'Sdk-compat-Passw0rd';
const NEW_PASSWORD = 'Sdk-compat-N3w-passphrase';

let server;

before(async () => {
  // One code per target a second instead of a minute, so a flow can ask twice for the same number.
  process.env.GenAuth__Codes__ResendIntervalSeconds = '1';
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

function newClient() {
  return new AuthenticationClient({
    appId: server.appId,
    userPoolId: server.userPoolId,
    appHost: server.baseUrl,
    lang: 'en-US',
  });
}

/** The code of the newest outbox message to `to` (optionally of one scene). */
function outboxCode(to, scene) {
  const lines = readFileSync(path.join(server.dataDirectory, 'outbox.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const message = lines.filter((m) => m.to === to && (!scene || m.scene === scene)).at(-1);
  assert.ok(message, `no outbox message to ${to}`);
  return message.text.match(/\b\d{6}\b/)[0];
}

async function smsCode(client, phone) {
  await sleep(1100);
  await sdkCall(client.sendSmsCode(phone), `sendSmsCode(${phone})`);
  return outboxCode(`+86${phone}`);
}

async function emailCode(client, email, scene) {
  await sleep(1100);
  await sdkCall(client.sendEmail(email, scene), `sendEmail(${email}, ${scene})`);
  return outboxCode(email, scene);
}

const randomPhone = () => `138${Math.floor(10_000_000 + Math.random() * 89_999_999)}`;

describe('phone and email codes through the SDK', () => {
  it('registers and logs in by phone code, binds and moves email and phone, and reports the security level', async () => {
    const client = newClient();
    const phone = randomPhone();
    const registered = await sdkCall(client.registerByPhoneCode(phone, await smsCode(client, phone), PASSWORD), 'registerByPhoneCode');
    assert.equal(registered.phone, phone);
    assert.equal(registered.phoneVerified, true);

    const user = await sdkCall(client.loginByPhoneCode(phone, await smsCode(client, phone)), 'loginByPhoneCode');
    assertJwt(user.token, 'loginByPhoneCode');

    const level = await sdkCall(client.getSecurityLevel(), 'getSecurityLevel');
    assert.equal(level.phone, true);
    assert.equal(level.password, true);
    assert.equal(level.email, false);
    assert.equal(typeof level.score, 'number');

    const first = `${unique('bind')}@example.com`;
    const bound = await sdkCall(client.bindEmail(first, await emailCode(client, first, 'CHANGE_EMAIL')), 'bindEmail');
    assert.equal(bound.email, first);
    assert.equal(bound.emailVerified, true);

    const second = `${unique('move')}@example.com`;
    const moved = await sdkCall(client.updateEmail(second, await emailCode(client, second, 'CHANGE_EMAIL')), 'updateEmail');
    assert.equal(moved.email, second);

    const unboundPhone = await sdkCall(client.unbindPhone(), 'unbindPhone');
    assert.equal(unboundPhone.phone, null);
    const rebound = await sdkCall(client.bindPhone(phone, await smsCode(client, phone)), 'bindPhone');
    assert.equal(rebound.phone, phone);

    const unboundEmail = await sdkCall(client.unbindEmail(), 'unbindEmail');
    assert.equal(unboundEmail.email, null);
    await sdkError(client.unbindPhone(), 1320005, 'unbindPhone of the last login method');
  });

  it('resets passwords by phone code and by email code', async () => {
    const client = newClient();
    const phone = randomPhone();
    await sdkCall(client.registerByPhoneCode(phone, await smsCode(client, phone), PASSWORD), 'registerByPhoneCode');
    await sdkError(client.resetPasswordByPhoneCode(phone, '000000', NEW_PASSWORD), 2001, 'reset with a wrong code');
    const reset = await sdkCall(client.resetPasswordByPhoneCode(phone, await smsCode(client, phone), NEW_PASSWORD), 'resetPasswordByPhoneCode');
    assert.equal(reset.code, 200);
    assertJwt((await sdkCall(client.loginByPhonePassword(phone, NEW_PASSWORD), 'loginByPhonePassword')).token, 'login');

    const email = `${unique('reset')}@example.com`;
    await sdkCall(client.registerByEmail(email, PASSWORD), 'registerByEmail');
    const byEmail = await sdkCall(
      client.resetPasswordByEmailCode(email, await emailCode(client, email, 'RESET_PASSWORD'), NEW_PASSWORD),
      'resetPasswordByEmailCode',
    );
    assert.equal(byEmail.code, 200);
    assertJwt((await sdkCall(client.loginByEmail(email, NEW_PASSWORD), 'loginByEmail')).token, 'login');
  });

  it('answers the seeds\' codes for an invalid phone and an invalid email', async () => {
    const client = newClient();
    await sdkError(client.sendSmsCode('12ab'), 500, 'sendSmsCode of an invalid number');
    await sdkError(client.sendEmail('not-an-email', 'VERIFY_CODE'), 1020017, 'sendEmail to an invalid address');
  });
});
