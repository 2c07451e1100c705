// Issue 15, applications: an app's DENY records end the denied users' existing sessions in that app, and a
// programmatic access account (AK/SK) is a client of its own at the token endpoint (client_id = AK).

import assert from 'node:assert/strict';
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

const newClient = () => new AuthenticationClient({ appId: server.appId, userPoolId: server.userPoolId, appHost: server.baseUrl, lang: 'en-US' });

async function signedInUser(prefix) {
  const email = `${unique(prefix)}@example.com`;
  const user = await sdkCall(management.users.create({ email, password: PASSWORD }), 'users.create');
  const client = newClient();
  const signedIn = await sdkCall(client.loginByEmail(email, PASSWORD), 'loginByEmail');
  return { user, email, client, token: signedIn.token };
}

const status = async (client, token) => (await sdkCall(client.checkLoginStatus(token), 'checkLoginStatus')).status;

describe('application DENY records', () => {
  it('end the app sessions of the users they deny (user, group, role), and only theirs', async () => {
    const appId = server.appId;
    const direct = await signedInUser('deny.user.');
    const member = await signedInUser('deny.group.');
    const holder = await signedInUser('deny.role.');
    const bystander = await signedInUser('deny.none.');
    const group = unique('g');
    await sdkCall(management.groups.create(group, 'Denied'), 'groups.create');
    await sdkCall(management.groups.addUsers(group, [member.user.id]), 'groups.addUsers');
    const role = unique('r');
    await sdkCall(management.roles.create(role), 'roles.create');
    await sdkCall(management.roles.addUsers(role, [holder.user.id]), 'roles.addUsers');

    await sdkCall(management.acl.denyAccessApplication({ appId, targetType: 'USER', targetIdentifiers: [direct.user.id] }), 'deny user');
    assert.equal(await status(direct.client, direct.token), false, 'the denied user is signed out of the app');
    assert.equal(await status(member.client, member.token), true);

    await sdkCall(management.acl.denyAccessApplication({ appId, targetType: 'GROUP', targetIdentifiers: [group] }), 'deny group');
    assert.equal(await status(member.client, member.token), false, 'the denied group member is signed out');

    // A disabled DENY, enabled again, ends sessions opened while it was off.
    await sdkCall(management.acl.denyAccessApplication({ appId, targetType: 'ROLE', targetIdentifiers: [role] }), 'deny role');
    assert.equal(await status(holder.client, holder.token), false, 'the role holder is signed out');
    await sdkCall(management.acl.disableApplicationAccessPolicy({ appId, targetType: 'ROLE', targetIdentifiers: [role] }), 'disable-effect');
    const again = await sdkCall(newClient().loginByEmail(holder.email, PASSWORD), 'sign-in while disabled');
    await sdkCall(management.acl.enableApplicationAccessPolicy({ appId, targetType: 'ROLE', targetIdentifiers: [role] }), 'enable-effect');
    assert.equal(await status(holder.client, again.token), false, 'enabling the DENY again ends the new session');

    assert.equal(await status(bystander.client, bystander.token), true, 'nobody else is signed out');
    for (const [type, ids] of [['USER', [direct.user.id]], ['GROUP', [group]], ['ROLE', [role]]])
      await sdkCall(management.acl.deleteApplicationAccessPolicy({ appId, targetType: type, targetIdentifiers: ids }), `revoke ${type}`);
  });
});

describe('programmatic access accounts as clients', () => {
  it('client_id = AK with its SK gets a token for the app; another account\'s SK, a disabled AK or a code grant does not', async () => {
    const token = await management.tokenProvider.getToken();
    const res = await fetch(`${server.baseUrl}/graphql/v2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-authing-userpool-id': server.userPoolId },
      body: JSON.stringify({ query: `mutation { createApplication(name: "${unique('ak')}", grantTypes: ["client_credentials"]) { id } }` }),
    });
    const appId = (await res.json()).data.createApplication.id;
    const one = await sdkCall(management.acl.createProgrammaticAccessAccount(appId, { tokenLifetime: 600 }), 'create AK 1');
    const two = await sdkCall(management.acl.createProgrammaticAccessAccount(appId, { tokenLifetime: 600 }), 'create AK 2');

    // The app is registered for client_secret_basic (the default): the AK authenticates the way its app does.
    const tokenAs = (clientId, secret, body = 'grant_type=client_credentials') => fetch(`${server.baseUrl}/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
      body,
    }).then(async (r) => ({ status: r.status, body: await r.json() }));

    const ok = await tokenAs(one.id, one.secret);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const claims = JSON.parse(Buffer.from(ok.body.access_token.split('.')[1], 'base64url').toString());
    assert.equal(claims.client_id ?? claims.azp, appId, 'the token is the app\'s');

    assert.equal((await tokenAs(one.id, two.secret)).body.error, 'invalid_client', 'another account\'s SK');
    assert.equal((await tokenAs(one.id, 'x'.repeat(43))).body.error, 'invalid_client', 'a wrong SK');
    assert.equal((await tokenAs(one.id, one.secret, 'grant_type=authorization_code&code=x&redirect_uri=http%3A%2F%2Flocalhost')).body.error,
      'invalid_client', 'an AK is a client for client_credentials only');
    await sdkCall(management.acl.disableProgrammaticAccessAccount(one.id), 'disable');
    assert.equal((await tokenAs(one.id, one.secret)).body.error, 'invalid_client', 'a disabled AK');
    assert.equal((await tokenAs(two.id, two.secret)).status, 200, 'the other account still works');
  });
});
