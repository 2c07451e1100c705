// The official GenAuth (Authing) JS SDK, unmodified, against a real GenAuth
// server: registration, login, profile, password change and logout as a
// GenAuth front-end performs them. How the SDK reports errors: sdk-assert.mjs.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthenticationClient } from 'authing-js-sdk';
import { assertJwt, sdkCall, sdkError, unique } from './sdk-assert.mjs';
import { startServer } from './server.mjs';

const PASSWORD = 'Sdk-compat-Passw0rd';
const NEW_PASSWORD = 'Sdk-compat-N3w-passphrase';

let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

function newClient(extra = {}) {
  return new AuthenticationClient({
    appId: server.appId,
    userPoolId: server.userPoolId,
    appHost: server.baseUrl,
    lang: 'en-US',
    ...extra,
  });
}

/** A raw GraphQL POST without the SDK (so errors come in the standard shape). */
async function rawGraphql(query, { token, variables } = {}) {
  const headers = {
    'content-type': 'application/json',
    'x-authing-userpool-id': server.userPoolId,
  };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${server.baseUrl}/graphql/v2`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    assert.fail(`POST /graphql/v2 answered ${response.status} with a non-JSON body: ${text.slice(0, 500)}`);
  }
  return { status: response.status, body };
}

/**
 * getCurrentUser() returns null on any error; when it does, ask the server
 * directly with the same token so the failure says why.
 */
async function currentUser(client, what) {
  const me = await client.getCurrentUser();
  if (me) return me;
  const token = client.tokenProvider.getToken();
  let answer = '(the SDK held no token, so it sent none)';
  if (token) answer = JSON.stringify((await rawGraphql('{ user { id } }', { token })).body).slice(0, 800);
  assert.fail(`${what}: getCurrentUser() returned null; the same token on a raw { user { id } } gets ${answer}`);
}

describe('password transport key', () => {
  it('GET /api/v2/.well-known serves the PEM public key the SDK encrypts passwords with', async () => {
    const response = await fetch(`${server.baseUrl}/api/v2/.well-known`);
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.code, 200, `envelope code: ${JSON.stringify(body)}`);
    assert.match(body.data?.publicKey ?? '', /^-----BEGIN (RSA )?PUBLIC KEY-----/, 'data.publicKey should be a PEM public key');
  });
});

describe('email account lifecycle through the SDK', () => {
  const email = `${unique('neo.')}@example.com`;
  let client;
  let registered;
  let loggedIn;

  before(() => {
    client = newClient();
  });

  it('registerByEmail creates the user in the preset pool', async () => {
    registered = await sdkCall(client.registerByEmail(email, PASSWORD), 'registerByEmail');
    assert.ok(registered, 'registerByEmail returned nothing');
    assert.equal(typeof registered.id, 'string');
    assert.ok(registered.id.length > 0, 'user id should not be empty');
    assert.equal(registered.email?.toLowerCase(), email.toLowerCase());
    assert.equal(registered.userPoolId, server.userPoolId);
    assert.ok(registered.password == null, 'the password hash must never be sent to clients');
  });

  it('registering the same email again, differently cased, fails with 2026', async () => {
    await sdkError(newClient().registerByEmail(email.toUpperCase(), PASSWORD), 2026, 'duplicate registerByEmail');
  });

  it('loginByEmail returns the user with an id token and counts the login', async () => {
    loggedIn = await sdkCall(client.loginByEmail(email, PASSWORD), 'loginByEmail');
    assert.equal(loggedIn.id, registered.id);
    assert.equal(loggedIn.email?.toLowerCase(), email.toLowerCase());
    const claims = assertJwt(loggedIn.token, 'loginByEmail');
    // The SDK's checkLoggedIn() falls back to the token's `sub` for the user id.
    assert.equal(claims.sub, registered.id, 'the token subject should be the user id');
    // Registration without forceLogin is not a login.
    assert.equal(loggedIn.loginsCount, 1);
  });

  it('loginByEmail with a wrong password fails with 2333', async () => {
    await sdkError(newClient().loginByEmail(email, 'Wrong-passw0rd-123'), 2333, 'wrong password');
  });

  it('loginByEmail with an unknown email fails with the same 2333', async () => {
    await sdkError(
      newClient().loginByEmail(`${unique('nobody.')}@example.com`, PASSWORD),
      2333,
      'unknown email',
    );
  });

  it('getCurrentUser returns the logged-in user', async () => {
    const me = await currentUser(client, 'after loginByEmail');
    assert.equal(me.id, registered.id);
    assert.equal(me.email?.toLowerCase(), email.toLowerCase());
    // The SDK replaces its stored token with `user.token` from this answer, so
    // the server must fill it, or every later call goes out unauthenticated.
    assertJwt(
      client.tokenProvider.getToken(),
      'token kept by the SDK after getCurrentUser (it stores `user.token` from the answer as its token)',
    );
  });

  it('updateProfile changes the profile and getCurrentUser shows it', async () => {
    const updated = await sdkCall(client.updateProfile({ nickname: 'Neo', company: 'X' }), 'updateProfile');
    assert.equal(updated.id, registered.id);
    assert.equal(updated.nickname, 'Neo');
    assert.equal(updated.company, 'X');
    // updateProfile() also stores `updateUser.token` as the SDK's token.
    assertJwt(
      client.tokenProvider.getToken(),
      'token kept by the SDK after updateProfile (it stores `updateUser.token` from the answer as its token)',
    );

    const me = await currentUser(client, 'after updateProfile');
    assert.equal(me.nickname, 'Neo');
    assert.equal(me.company, 'X');
  });

  it('updatePassword with a wrong old password fails with 1320011', async () => {
    await sdkError(client.updatePassword(NEW_PASSWORD, 'Not-the-old-passw0rd'), 1320011, 'updatePassword with wrong old password');
  });

  it('updatePassword with the right old password succeeds', async () => {
    const user = await sdkCall(client.updatePassword(NEW_PASSWORD, PASSWORD), 'updatePassword');
    assert.ok(user, 'updatePassword returned nothing');
    assert.equal(user.id, registered.id);
  });

  it('after the change the old password fails with 2333 and the new one logs in', async () => {
    // This client still holds the token from before the change and sends it
    // along with these logins (the SDK always does): a stale or revoked
    // bearer must not stop a login.
    await sdkError(client.loginByEmail(email, PASSWORD), 2333, 'login with the old password');
    loggedIn = await sdkCall(client.loginByEmail(email, NEW_PASSWORD), 'loginByEmail with the new password');
    assert.equal(loggedIn.id, registered.id);
    assertJwt(loggedIn.token, 'login with the new password');
  });

  it('logout revokes the token', async () => {
    const token = client.tokenProvider.getToken();
    assertJwt(token, 'token before logout');

    const before = await rawGraphql('{ user { id } }', { token });
    assert.equal(before.body.errors, undefined, `the token should work before logout: ${JSON.stringify(before.body)}`);
    assert.equal(before.body.data?.user?.id, registered.id);

    await sdkCall(client.logout(), 'logout (GET /api/v2/logout)');
    assert.equal(client.tokenProvider.getToken(), null, 'the SDK clears its token on logout');

    const afterLogout = await rawGraphql('{ user { id } }', { token });
    const errors = afterLogout.body.errors;
    assert.ok(Array.isArray(errors) && errors.length > 0, `a revoked token must get an error: ${JSON.stringify(afterLogout.body)}`);
    assert.ok(
      [2020, 1010001].includes(errors[0].extensions?.code),
      `extensions.code should be 2020 or 1010001: ${JSON.stringify(errors)}`,
    );
    assert.ok(afterLogout.body.data?.user == null, 'no user data for a revoked token');
  });
});

describe('username account through the SDK', () => {
  const username = unique('trinity_');
  let registered;

  it('registerByUsername creates the user', async () => {
    registered = await sdkCall(newClient().registerByUsername(username, PASSWORD), 'registerByUsername');
    assert.equal(registered.username, username);
    assert.equal(registered.userPoolId, server.userPoolId);
    assert.equal(typeof registered.id, 'string');
  });

  it('loginByUsername returns the user with an id token', async () => {
    const user = await sdkCall(newClient().loginByUsername(username, PASSWORD), 'loginByUsername');
    assert.equal(user.id, registered.id);
    assert.equal(user.username, username);
    assertJwt(user.token, 'loginByUsername');
  });

  it('loginByUsername with a wrong password fails with 2333', async () => {
    await sdkError(newClient().loginByUsername(username, 'Wrong-passw0rd-123'), 2333, 'wrong password');
  });
});

describe('application-only configuration', () => {
  it('a client configured with appId alone reaches the app\'s pool', async () => {
    // The SDK's documented setup passes only appId (x-authing-app-id).
    const client = newClient({ userPoolId: undefined });
    const user = await sdkCall(
      client.registerByEmail(`${unique('morpheus.')}@example.com`, PASSWORD),
      'registerByEmail with appId only',
    );
    assert.equal(user.userPoolId, server.userPoolId);
  });
});
