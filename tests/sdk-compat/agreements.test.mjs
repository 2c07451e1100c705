// Issue 15, what was left: an app's registration agreements (applications.*Agreement / applications.agreements),
// loginBySubAccount through the sign-in pipeline, and a programmatic access account's own token lifetime — all through
// the official SDK. Abuse cases for each are in the xunit tests (Applications/AgreementTests, SubAccountTests).

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

async function adminRest(method, path, body) {
  const token = await management.tokenProvider.getToken();
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-authing-userpool-id': server.userPoolId },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

async function newApp(extra = '') {
  const token = await management.tokenProvider.getToken();
  const res = await fetch(`${server.baseUrl}/graphql/v2`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-authing-userpool-id': server.userPoolId },
    body: JSON.stringify({ query: `mutation { createApplication(name: "${unique('app')}"${extra}) { id } }` }),
  });
  return (await res.json()).data.createApplication.id;
}

describe('agreements (AgreementManagementClient)', () => {
  it('create, list, modify, sort and delete with the shapes the SDK types', async () => {
    const appId = await newApp();
    const { applications } = management;
    const terms = await sdkCall(applications.createAgreement(appId, { title: 'A test agreement' }), 'createAgreement');
    assert.equal(terms.title, 'A test agreement');
    assert.equal(terms.required, true, 'the SDK sends required: true by default');
    assert.equal(terms.lang, 'zh-CN');
    assert.equal(terms.appId, appId);
    assert.equal(terms.userPoolId, server.userPoolId);
    assert.equal(typeof terms.id, 'number', 'AgreementDetail.id is a number');
    const news = await sdkCall(applications.agreements.create(appId, { title: 'News', required: false, lang: 'en-US' }), 'agreements.create');
    assert.equal(news.order, terms.order + 1);

    const modified = await sdkCall(applications.modifyAgreement(appId, news.id, { title: 'Product news' }), 'modifyAgreement');
    assert.equal(modified.title, 'Product news');
    assert.equal(modified.required, false);

    assert.equal(await sdkCall(applications.sortAgreement(appId, [news.id, terms.id]), 'sortAgreement'), true);
    const listed = await sdkCall(applications.listAgreement(appId), 'listAgreement');
    assert.equal(listed.totalCount, 2);
    assert.deepEqual(listed.list.map((a) => a.id), [news.id, terms.id]);

    assert.equal(await sdkCall(applications.deleteAgreement(appId, terms.id), 'deleteAgreement'), true);
    assert.equal((await sdkCall(applications.agreements.list(appId), 'agreements.list')).totalCount, 1);
    await sdkError(applications.deleteAgreement(appId, terms.id), 2590, 'delete again');
  });

  it('bad input answers a GenAuth code', async () => {
    const appId = await newApp();
    const { applications } = management;
    await sdkError(applications.createAgreement(appId, { title: '' }), 400, 'empty title');
    await sdkError(applications.createAgreement(appId, { title: 'x'.repeat(2049) }), 400, 'a title over 2048 characters');
    await sdkError(applications.createAgreement(appId, { title: 'T', lang: 'fr-FR' }), 400, 'an unknown language');
    await sdkError(applications.createAgreement('5f00000000000000000fff05', { title: 'T' }), 2043, 'an unknown app');
    await sdkError(applications.modifyAgreement(appId, 424242, { title: 'T' }), 2590, 'an unknown agreement');
    const one = await sdkCall(applications.createAgreement(appId, { title: 'One' }), 'createAgreement');
    await sdkError(applications.sortAgreement(appId, [one.id, one.id]), 400, 'sort naming an id twice');
  });

  it("an end user's token is refused (403)", async () => {
    const appId = await newApp();
    const email = `${unique('agr.')}@example.com`;
    const client = newClient();
    await sdkCall(client.registerByEmail(email, PASSWORD), 'registerByEmail');
    const { token } = await sdkCall(client.loginByEmail(email, PASSWORD), 'loginByEmail');
    const res = await fetch(`${server.baseUrl}/api/v2/applications/${appId}/agreements`, {
      headers: { authorization: `Bearer ${token}`, 'x-authing-userpool-id': server.userPoolId },
    });
    assert.equal((await res.json()).code, 403);
  });
});

describe('loginBySubAccount', () => {
  it('signs in to a sub-account an admin made; a wrong password, an ordinary account or a blocked sub-account is refused', async () => {
    const mainEmail = `${unique('main.')}@example.com`;
    const main = await sdkCall(management.users.create({ email: mainEmail, password: PASSWORD }), 'users.create');
    const username = unique('sub_');
    const created = await adminRest('POST', `/api/v2/users/${main.id}/sub-accounts`, { username, password: PASSWORD });
    assert.equal(created.code, 200, JSON.stringify(created));

    const client = newClient();
    const sub = await sdkCall(client.loginBySubAccount(username, PASSWORD), 'loginBySubAccount');
    assert.equal(sub.id, created.data.id);
    assert.equal(sub.username, username);
    assert.ok(sub.token, 'the sub-account is signed in');
    assert.equal((await sdkCall(client.getCurrentUser(), 'getCurrentUser')).id, sub.id);

    await sdkError(newClient().loginBySubAccount(username, 'Wr0ng-password-here'), 2333, 'a wrong password');
    await sdkError(newClient().loginBySubAccount(mainEmail, PASSWORD), 2333, 'the main account is no sub-account');
    await sdkCall(management.users.update(sub.id, { blocked: true }), 'users.update blocked');
    await sdkError(newClient().loginBySubAccount(username, PASSWORD), 2057, 'a blocked sub-account');
  });
});

describe('programmatic access accounts: their own token lifetime', () => {
  it('a token got with an AK lives as long as the tokenLifetime it was created with, not the app\'s lifetime', async () => {
    const appId = await newApp(', grantTypes: ["client_credentials"]');
    const short = await sdkCall(management.acl.createProgrammaticAccessAccount(appId, { tokenLifetime: 120 }), 'create AK (120 s)');
    const standard = await sdkCall(management.acl.createProgrammaticAccessAccount(appId), 'create AK (default)');
    assert.equal(short.tokenLifetime, 120);
    const lifetime = async (id, secret) => {
      const res = await fetch(`${server.baseUrl}/oidc/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
        body: 'grant_type=client_credentials',
      });
      const body = await res.json();
      assert.equal(res.status, 200, JSON.stringify(body));
      const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString());
      assert.ok(Math.abs(body.expires_in - (claims.exp - claims.iat)) <= 1, `expires_in ${body.expires_in}`);
      return claims.exp - claims.iat;
    };
    assert.equal(await lifetime(short.id, short.secret), 120);
    assert.equal(await lifetime(standard.id, standard.secret), standard.tokenLifetime);
  });
});
