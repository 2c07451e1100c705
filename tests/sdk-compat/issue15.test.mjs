// Issue 15, "found broken in use": calls of the official SDK that an app makes and that failed against this server:
// log in or register (autoRegister), a token an admin issues for a user, deleting a missing group, cancelling a
// pending authenticator enrolment, and the literal REST paths the /api/v2/users/{id} template used to swallow.

import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuthenticationClient, ManagementClient } from 'authing-js-sdk';
import { sdkCall, sdkError, unique } from './sdk-assert.mjs';
import { startServer } from './server.mjs';

const PASSWORD = 'Sdk-compat-Passw0rd';

let server;
let management;

before(async () => {
  server = await startServer();
  management = new ManagementClient({ userPoolId: server.userPoolId, secret: server.secret, host: server.baseUrl, lang: 'en-US' });
});

after(async () => {
  await server?.stop();
});

function newClient(extra = {}) {
  return new AuthenticationClient({ appId: server.appId, userPoolId: server.userPoolId, appHost: server.baseUrl, lang: 'en-US', ...extra });
}

const phoneNumber = () => `139${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;

describe('log in or register (autoRegister)', () => {
  for (const [how, identifier, login] of [
    ['loginByUsername', () => unique('auto_'), (c, id, pw, o) => c.loginByUsername(id, pw, o)],
    ['loginByEmail', () => `${unique('auto.')}@example.com`, (c, id, pw, o) => c.loginByEmail(id, pw, o)],
    ['loginByPhonePassword', phoneNumber, (c, id, pw, o) => c.loginByPhonePassword(id, pw, o)],
  ]) {
    it(`${how} with autoRegister registers an unknown account, then only logs it in`, async () => {
      const id = identifier();
      const client = newClient();
      await sdkError(login(client, id, PASSWORD), 2333, `${how} of an unknown account without autoRegister`);

      const user = await sdkCall(login(client, id, PASSWORD, { autoRegister: true }), `${how} autoRegister (new)`);
      assert.ok(user.token, 'the new account is signed in');
      const me = await sdkCall(client.getCurrentUser(), 'getCurrentUser');
      assert.equal(me?.id, user.id);

      // The account exists now: a wrong password is refused, never a second account or a new password.
      await sdkError(login(newClient(), id, 'Wr0ng-password-here', { autoRegister: true }), 2333, `${how} autoRegister wrong password`);
      const again = await sdkCall(login(newClient(), id, PASSWORD, { autoRegister: true }), `${how} autoRegister (existing)`);
      assert.equal(again.id, user.id, 'the same account logs in: nothing was registered again');
      assert.ok(!again.newlyCreated, 'an existing account is not newly created');
    });
  }

  it('autoRegister keeps the registration rules: a pool closed to registration refuses it (2047) like register*', async () => {
    await sdkCall(management.userpool.update({ registerDisabled: true }), 'userpool.update registerDisabled');
    try {
      await sdkError(newClient().loginByUsername(unique('closed_'), PASSWORD, { autoRegister: true }), 2047, 'autoRegister, pool closed');
      await sdkError(newClient().registerByUsername(unique('closed_'), PASSWORD), 2047, 'registerByUsername, pool closed');
    } finally {
      await sdkCall(management.userpool.update({ registerDisabled: false }), 'userpool.update registerDisabled false');
    }
  });
});

describe('a token an admin issues for a user (users.refreshToken)', () => {
  it('is a real pool session: getCurrentUser and checkLoginStatus accept it until the user is kicked', async () => {
    const email = `${unique('issued.')}@example.com`;
    const created = await sdkCall(management.users.create({ email, password: PASSWORD }), 'users.create');
    const issued = await sdkCall(management.users.refreshToken(created.id), 'users.refreshToken');
    assert.ok(issued.token);

    // The session's audience is the pool: a client of the pool (no app) carries it.
    const client = new AuthenticationClient({ userPoolId: server.userPoolId, appHost: server.baseUrl, lang: 'en-US', token: issued.token });
    const me = await client.getCurrentUser();
    assert.equal(me?.id, created.id, 'getCurrentUser with the issued token');
    const status = await sdkCall(client.checkLoginStatus(issued.token), 'checkLoginStatus');
    assert.equal(status.status, true, `checkLoginStatus: ${JSON.stringify(status)}`);

    await sdkCall(management.users.kick([created.id]), 'users.kick');
    assert.equal(await client.getCurrentUser(), null, 'the issued session is revoked with the others');
    const after = await sdkCall(client.checkLoginStatus(issued.token), 'checkLoginStatus after kick');
    assert.equal(after.status, false);
  });

  it('is refused for a missing or blocked user', async () => {
    await sdkError(management.users.refreshToken('5f00000000000000000fff01'), 2004, 'refreshToken of a missing user');
    const created = await sdkCall(management.users.create({ email: `${unique('blocked.')}@example.com`, password: PASSWORD }), 'users.create');
    await sdkCall(management.users.update(created.id, { blocked: true }), 'users.update blocked');
    await sdkError(management.users.refreshToken(created.id), 2057, 'refreshToken of a blocked user');
  });
});

describe('missing objects', () => {
  it('groups.delete / groups.update of a missing group answer 2510', async () => {
    await sdkError(management.groups.delete(unique('nogroup')), 2510, 'groups.delete');
    await sdkError(management.groups.update(unique('nogroup'), { name: 'x' }), 2510, 'groups.update');
    await sdkError(management.roles.delete(unique('norole')), 2520, 'roles.delete');
  });
});

describe('cancelling a pending authenticator enrolment', () => {
  it('mfa.deleteMfaAuthenticator after assosicateMfaAuthenticator, before confirming, cancels it', async () => {
    const client = newClient();
    const email = `${unique('mfa.')}@example.com`;
    await sdkCall(client.registerByEmail(email, PASSWORD), 'registerByEmail');
    await sdkCall(client.loginByEmail(email, PASSWORD), 'loginByEmail');
    await sdkError(client.mfa.deleteMfaAuthenticator(), 1643, 'deleteMfaAuthenticator with nothing enrolled');
    await sdkCall(client.mfa.assosicateMfaAuthenticator({ authenticatorType: 'totp' }), 'assosicateMfaAuthenticator');

    const answer = await sdkCall(client.mfa.deleteMfaAuthenticator(), 'deleteMfaAuthenticator of the pending enrolment');
    assert.equal(answer.code, 200, JSON.stringify(answer));
    // Cancelled: confirming now finds no enrolment, and a second delete finds nothing.
    await sdkError(client.mfa.confirmAssosicateMfaAuthenticator({ authenticatorType: 'totp', totp: '000000' }), 1644,
      'confirm after cancel');
    await sdkError(client.mfa.deleteMfaAuthenticator(), 1643, 'deleteMfaAuthenticator again');
  });
});

describe('literal REST paths beside /api/v2/users/{id}', () => {
  it('principal authentication answers "not supported" (2651), not user-not-found', async () => {
    const client = newClient();
    const email = `${unique('pa.')}@example.com`;
    await sdkCall(client.registerByEmail(email, PASSWORD), 'registerByEmail');
    await sdkCall(client.loginByEmail(email, PASSWORD), 'loginByEmail');
    await sdkError(client.principal.detail(), 2651, 'principal.detail');
    await sdkError(client.principal.authenticate({ type: 'P', name: 'x', idCard: '1' }), 2651, 'principal.authenticate');
    const created = await sdkCall(management.users.create({ email: `${unique('pm.')}@example.com`, password: PASSWORD }), 'users.create');
    await sdkError(management.principal.detail(created.id), 2651, 'management principal.detail');
  });
});

describe('users.sendFirstLoginVerifyEmail', () => {
  it('mails the user the verify-email link for an app; a missing user or app answers its code', async () => {
    const email = `${unique('first.')}@example.com`;
    const created = await sdkCall(management.users.create({ email, password: PASSWORD }), 'users.create');
    const before = outboxTo(email).length;
    assert.equal(await sdkCall(management.users.sendFirstLoginVerifyEmail({ userId: created.id, appId: server.appId }), 'send'), true);
    const mails = outboxTo(email);
    assert.equal(mails.length, before + 1);
    assert.match(mails.at(-1).text, /\/api\/v2\/email\/verify\?/);

    // Opening the link verifies the address.
    const link = /https?:\/\/\S+\/api\/v2\/email\/verify\?\S+/.exec(mails.at(-1).text)[0];
    await fetch(new URL(new URL(link).pathname + new URL(link).search, server.baseUrl), { redirect: 'manual' });
    assert.equal((await sdkCall(management.users.detail(created.id), 'users.detail')).emailVerified, true);

    await sdkError(management.users.sendFirstLoginVerifyEmail({ userId: '5f00000000000000000fff01', appId: server.appId }), 2004, 'missing user');
    await sdkError(management.users.sendFirstLoginVerifyEmail({ userId: created.id, appId: '5f00000000000000000fff01' }), 2043, 'missing app');
  });
});

function outboxTo(to) {
  let text = '';
  try {
    text = readFileSync(path.join(server.dataDirectory, 'outbox.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((m) => m.to === to);
}
