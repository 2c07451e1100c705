// The SDK's directory logins (AuthenticationClient.loginByLdap / loginByAd from authing-js-sdk@4.23.55, unmodified)
// against a real slapd. Not a *.test.mjs file: it needs the directory the xunit wrapper
// (Compat/SdkDirectoryLoginTests) starts and describes in GENAUTH_TEST_LDAP_* variables.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthenticationClient, ManagementClient } from 'authing-js-sdk';
import { assertJwt, sdkCall, sdkError, unique } from './sdk-assert.mjs';
import { startServer } from './server.mjs';

const ldap = {
  url: process.env.GENAUTH_TEST_LDAP_URL,
  people: process.env.GENAUTH_TEST_LDAP_PEOPLE,
  bindDn: process.env.GENAUTH_TEST_LDAP_BIND_DN,
  bindPassword: process.env.GENAUTH_TEST_LDAP_BIND_PASSWORD,
};

let server;
let management;

before(async () => {
  assert.ok(ldap.url && ldap.people && ldap.bindDn && ldap.bindPassword, 'GENAUTH_TEST_LDAP_* must describe the test directory');
  server = await startServer();
  management = new ManagementClient({ userPoolId: server.userPoolId, secret: server.secret, host: server.baseUrl, lang: 'en-US' });
  const fields = { ldapConnection: ldap.url, bindDn: ldap.bindDn, bindPassword: ldap.bindPassword, baseDn: ldap.people };
  await sdkCall(management.tenant.createExtIdp({
    name: 'Directory', type: 'ldap',
    connections: [
      { type: 'ldap', identifier: 'sdk-ldap', displayName: 'LDAP', fields: { ...fields, emailVerified: 'true' } },
      { type: 'ad', identifier: 'sdk-ad', displayName: 'AD', fields },
    ],
  }), 'tenant.createExtIdp');
});

after(async () => {
  await server?.stop();
});

function client() {
  // loginByAd posts to the SDK's websocketHost (GenAuth serves it on the same origin).
  return new AuthenticationClient({
    appId: server.appId, userPoolId: server.userPoolId, appHost: server.baseUrl, websocketHost: server.baseUrl, lang: 'en-US',
  });
}

describe('AuthenticationClient directory logins', () => {
  it('loginByLdap signs in a directory user (just in time, then the same user) and refuses a wrong password', async () => {
    const auth = client();
    const user = await sdkCall(auth.loginByLdap('alice', 'alice-Pa55'), 'loginByLdap');
    assertJwt(user.token, 'loginByLdap token');
    assert.equal(user.email, 'alice@ldap.example.org');
    assert.equal(user.emailVerified, true);
    const again = await sdkCall(client().loginByLdap('alice', 'alice-Pa55'), 'loginByLdap again');
    assert.equal(again.id, user.id);
    // The SDK keeps the signed-in user.
    assert.equal((await auth.getCurrentUser()).id, user.id);
    await sdkError(client().loginByLdap('alice', 'not-' + unique('pw')), 2333, 'loginByLdap wrong password');
    await sdkError(client().loginByLdap('nobody-' + unique('x'), 'alice-Pa55'), 2333, 'loginByLdap unknown name');
  });

  it('loginByAd signs in by sAMAccountName and refuses a disabled account with the same answer as a wrong password', async () => {
    const user = await sdkCall(client().loginByAd('bob', 'bob-Pa55'), 'loginByAd');
    assertJwt(user.token, 'loginByAd token');
    assert.equal(user.username, 'bob');
    await sdkError(client().loginByAd('dan', 'dan-Pa55'), 2333, 'loginByAd disabled');
    await sdkError(client().loginByAd('bob', 'wrong-Pa55'), 2333, 'loginByAd wrong password');
  });
});
