// The official SDK's identity-source calls (ManagementClient.tenant.*ExtIdp*) and the social.authorize URL it opens,
// unmodified, against a real GenAuth server.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthenticationClient, ManagementClient } from 'authing-js-sdk';
import { sdkCall, unique } from './sdk-assert.mjs';
import { startServer } from './server.mjs';

let server;
let management;

before(async () => {
  server = await startServer();
  management = new ManagementClient({ userPoolId: server.userPoolId, secret: server.secret, host: server.baseUrl, lang: 'en-US' });
});

after(async () => {
  await server?.stop();
});

describe('ManagementClient.tenant identity sources', () => {
  it('creates, reads, updates, switches and deletes sources and connections; secrets never come back', async () => {
    const identifier = unique('corp').replace(/[^A-Za-z0-9_-]/g, '').slice(0, 30);
    // A pool-level source (no tenant): usable from every app, as social.authorize below needs.
    const idp = await sdkCall(management.tenant.createExtIdp({
      name: 'Corp', type: 'oauth2',
      connections: [{
        type: 'oauth2', identifier, displayName: 'Corp SSO',
        fields: {
          authorizationEndpoint: 'https://idp.example.com/authorize', tokenEndpoint: 'https://idp.example.com/token',
          userInfoEndpoint: 'https://idp.example.com/userinfo', clientId: 'cid', clientSecret: 'sdk-secret-value', scope: 'profile',
        },
        userMatchFields: ['email'],
      }],
    }), 'tenant.createExtIdp');
    assert.equal(idp.name, 'Corp');
    assert.equal(idp.connections[0].identifier, identifier);
    assert.equal(idp.connections[0].fields.clientId, 'cid');
    assert.equal(idp.connections[0].fields.clientSecret, undefined);
    assert.ok(!JSON.stringify(idp).includes('sdk-secret-value'));

    // A tenant's source: listed under its tenant only, and its connections refused outside it (2626).
    const tenantIdp = await sdkCall(management.tenant.createExtIdp({
      tenantId: 't-sdk', name: 'Tenant corp', type: 'oauth2',
      connections: [{
        type: 'oauth2', identifier: identifier + 't', displayName: 'Tenant SSO',
        fields: {
          authorizationEndpoint: 'https://idp.example.com/authorize', tokenEndpoint: 'https://idp.example.com/token',
          userInfoEndpoint: 'https://idp.example.com/userinfo', clientId: 'cid', clientSecret: 'sdk-secret-value',
        },
      }],
    }), 'tenant.createExtIdp');
    const list = await sdkCall(management.tenant.listExtIdp('t-sdk'), 'tenant.listExtIdp');
    assert.ok(list.some((i) => i.id === tenantIdp.id));
    assert.ok(!list.some((i) => i.id === idp.id));
    const foreign = await fetch(`${server.baseUrl}/connections/social/${identifier}t?app_id=${server.appId}&lang=en-US`, { redirect: 'manual' });
    assert.equal(foreign.status, 403);
    assert.ok((await foreign.text()).includes('belongs to another tenant'));
    await sdkCall(management.tenant.deleteExtIdp(tenantIdp.id), 'tenant.deleteExtIdp');
    const detail = await sdkCall(management.tenant.extIdpDetail(idp.id), 'tenant.extIdpDetail');
    assert.equal(detail.connections.length, 1);
    const renamed = await sdkCall(management.tenant.updateExtIdp(idp.id, { name: 'Corp 2' }), 'tenant.updateExtIdp');
    assert.equal(renamed.name, 'Corp 2');

    // true = the identifier conflicts (the SDK maps the server's refusal to true), false = free.
    assert.equal(await management.tenant.checkExtIdpConnectionIdentifierUnique(identifier), true);
    assert.equal(await management.tenant.checkExtIdpConnectionIdentifierUnique(identifier + 'x'), false);

    const conn = await sdkCall(management.tenant.createExtIdpConnection({
      extIdpId: idp.id, type: 'github', identifier: identifier + 'gh', displayName: 'GitHub',
      fields: { clientId: 'gh', clientSecret: 'gh-secret-value' },
    }), 'tenant.createExtIdpConnection');
    assert.equal(conn.type, 'github');
    const updated = await sdkCall(management.tenant.updateExtIdpConnection(conn.id, {
      displayName: 'GitHub 2', fields: { clientId: 'gh2' }, userMatchFields: ['email'],
    }), 'tenant.updateExtIdpConnection');
    assert.equal(updated.displayName, 'GitHub 2');
    assert.deepEqual(updated.userMatchFields, ['email']);

    assert.equal(await management.tenant.changeExtIdpConnectionState(conn.id, { enabled: false }), true);
    assert.equal(await management.tenant.batchChangeExtIdpConnectionState(idp.id, { enabled: true }), true);
    // Per app: switched off for the SDK's app, its start URL is refused (2625 page); an unknown app or tenant is refused.
    assert.equal(await management.tenant.changeExtIdpConnectionState(conn.id, { appId: server.appId, enabled: false }), true);
    const off = await fetch(`${server.baseUrl}/connections/social/${identifier}gh?app_id=${server.appId}&lang=en-US`, { redirect: 'manual' });
    assert.equal(off.status, 403);
    assert.ok((await off.text()).includes('not enabled for this application'));
    assert.equal(await management.tenant.changeExtIdpConnectionState(conn.id, { appId: 'no-such-app', enabled: true }), false);
    assert.equal(await management.tenant.batchChangeExtIdpConnectionState(idp.id, { tenantId: 'no-such-tenant', enabled: true }), false);
    assert.equal(await management.tenant.batchChangeExtIdpConnectionState(idp.id, { appId: server.appId, enabled: true }), true);
    const on = await fetch(`${server.baseUrl}/connections/social/${identifier}gh?app_id=${server.appId}`, { redirect: 'manual' });
    assert.equal(on.status, 302);

    // social.authorize opens /connections/social/{identifier}?from_guard=1&app_id=…: GenAuth starts the flow there.
    let opened;
    globalThis.window = { addEventListener() {}, removeEventListener() {}, open(url) { opened = url; } };
    if (!globalThis.navigator) Object.defineProperty(globalThis, 'navigator', { value: { userAgent: 'node' }, configurable: true });
    const auth = new AuthenticationClient({ appId: server.appId, userPoolId: server.userPoolId, appHost: server.baseUrl, lang: 'en-US' });
    await auth.social.authorize(identifier, { popup: false });
    assert.ok(opened.startsWith(`${server.baseUrl}/connections/social/${identifier}?`), opened);
    const start = await fetch(opened, { redirect: 'manual' });
    assert.equal(start.status, 302);
    const authorize = new URL(start.headers.get('location'));
    assert.equal(authorize.origin + authorize.pathname, 'https://idp.example.com/authorize');
    assert.equal(authorize.searchParams.get('client_id'), 'cid');
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorize.searchParams.get('redirect_uri'), `${server.baseUrl}/connections/social/${identifier}/callback`);
    assert.ok(authorize.searchParams.get('state').length >= 32);
    assert.ok(start.headers.get('set-cookie').includes('ga_ext_'));

    await sdkCall(management.tenant.deleteExtIdpConnection(conn.id), 'tenant.deleteExtIdpConnection');
    await sdkCall(management.tenant.deleteExtIdp(idp.id), 'tenant.deleteExtIdp');
    const gone = await management.tenant.listExtIdp('t-sdk');
    assert.ok(!gone.some((i) => i.id === tenantIdp.id));
  });
});
