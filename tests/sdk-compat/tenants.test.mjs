// Issue 15, "Tenants": the SDK's ManagementClient.tenant (all but identity sources), applications.applicationTenants
// and changeApplicationType, orgs.getOrgByTenantId, users.getUserTenants, and signing in under a tenant of a
// tenant-enabled app (the token's tenant_id). Abuse: a tenant's admin manages only their tenant, non-members and
// disabled members can't sign in under it.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthenticationClient, ManagementClient } from 'authing-js-sdk';
import { assertJwt, sdkCall, sdkError, unique } from './sdk-assert.mjs';
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

async function newUser(prefix) {
  const username = unique(prefix);
  const user = await sdkCall(management.users.create({ username, password: PASSWORD }), 'users.create');
  return { ...user, username };
}

function client(appId, extra = {}) {
  return new AuthenticationClient({ appId, userPoolId: server.userPoolId, appHost: server.baseUrl, lang: 'en-US', ...extra });
}

describe('tenants (TenantManagementClient)', () => {
  it('create, list, details, update, config, delete', async () => {
    const created = await sdkCall(management.tenant.create({ name: 'Search', appIds: server.appId, description: 'd' }), 'tenant.create');
    assert.equal(created.name, 'Search');
    assert.equal(created.appIds, server.appId);
    assert.equal(created.userPoolId, server.userPoolId);

    const list = await sdkCall(management.tenant.list({ page: 1, limit: 10 }), 'tenant.list');
    assert.ok(list.list.some((t) => t.id === created.id));
    assert.equal(list.totalCount, list.list.length);

    const details = await sdkCall(management.tenant.details(created.id), 'tenant.details');
    assert.equal(details.description, 'd');

    const updated = await sdkCall(management.tenant.update(created.id, { name: 'Aggregated search' }), 'tenant.update');
    assert.equal(updated.name, 'Aggregated search');
    assert.equal(updated.appIds, server.appId, 'fields not sent stay');

    const configured = await sdkCall(management.tenant.config(created.id, {
      css: '.btn { color: #f0e }', ssoPageCustomizationSettings: { hideForgetPassword: true, injected: '<script>' },
    }), 'tenant.config');
    assert.equal(configured.css, '.btn { color: #f0e }');
    assert.deepEqual(configured.ssoPageCustomizationSettings, { hideForgetPassword: true }, 'only GenAuth\'s switches are kept');

    await sdkError(management.tenant.create({ name: '', appIds: '' }), 400, 'tenant.create without a name');
    await sdkError(management.tenant.create({ name: 'x', appIds: '5f00000000000000000fff01' }), 2043, 'tenant.create with an unknown app');

    await sdkCall(management.tenant.delete(created.id), 'tenant.delete');
    await sdkError(management.tenant.details(created.id), 2580, 'tenant.details after delete');
    await sdkError(management.tenant.delete(created.id), 2580, 'tenant.delete twice');
  });

  it('members and admins: add, list, disable, remove; the user\'s tenants', async () => {
    const tenant = await sdkCall(management.tenant.create({ name: unique('members-'), appIds: '' }), 'tenant.create');
    const alice = await newUser('alice_');
    const bob = await newUser('bob_');

    const added = await sdkCall(management.tenant.addMembers(tenant.id, [alice.id, bob.id]), 'tenant.addMembers');
    assert.equal(added.id, tenant.id);
    const again = await sdkCall(management.tenant.addMembers(tenant.id, [alice.id]), 'tenant.addMembers (again)');
    assert.equal(again.id, tenant.id, 'adding a member twice is no error and no second row');

    const members = await sdkCall(management.tenant.members(tenant.id, { page: 1, limit: 10 }), 'tenant.members');
    assert.equal(members.listTotal, 2);
    assert.deepEqual(members.list.map((m) => m.user.id).sort(), [alice.id, bob.id].sort());
    assert.ok(members.list.every((m) => m.tenantId === tenant.id && m.enabled === true && m.isAdmin === false));

    assert.equal(await management.tenant.setTanentAdmin(tenant.id, { userIds: [alice.id] }), true, 'setTanentAdmin');
    assert.equal(await management.tenant.updateTenantMember(tenant.id, bob.id, false), true, 'updateTenantMember');
    const after = await sdkCall(management.tenant.members(tenant.id, { page: 1, limit: 10 }), 'tenant.members');
    assert.equal(after.list.find((m) => m.user.id === alice.id).isAdmin, true);
    assert.equal(after.list.find((m) => m.user.id === bob.id).enabled, false);

    const ofAlice = await sdkCall(management.users.getUserTenants(alice.id), 'users.getUserTenants');
    assert.deepEqual(ofAlice.map((t) => t.tenant.id), [tenant.id]);
    assert.equal(ofAlice[0].isAdmin, true);

    assert.equal(await management.tenant.deleteTanentAdmin(tenant.id, alice.id), true, 'deleteTanentAdmin');
    assert.equal(await management.tenant.deleteTanentAdmin(tenant.id, alice.id), false, 'deleteTanentAdmin of a non-admin fails');
    await sdkCall(management.tenant.removeMembers(tenant.id, bob.id), 'tenant.removeMembers');
    await sdkError(management.tenant.removeMembers(tenant.id, bob.id), 2581, 'tenant.removeMembers of a non-member');
    await sdkError(management.tenant.addMembers(tenant.id, ['5f00000000000000000fff01']), 2004, 'tenant.addMembers of an unknown user');
    assert.equal((await management.tenant.members(tenant.id, { page: 1, limit: 10 })).listTotal, 1);
  });

  it('an app turned tenant-enabled: its tenants, orgs by tenant, and sign-in under a tenant carries tenant_id', async () => {
    const app = await sdkCall(management.applications.create({ name: unique('tenant-app-'), identifier: unique('ta'), redirectUris: [] }),
      'applications.create');
    const changed = await sdkCall(management.applications.changeApplicationType(app.id, 'BOTH'), 'applications.changeApplicationType');
    assert.equal(changed.appType, 'BOTH');
    await sdkError(management.applications.changeApplicationType(app.id, 'GALAXY'), 400, 'changeApplicationType to an unknown type');

    const tenant = await sdkCall(management.tenant.create({ name: unique('t-'), appIds: app.id }), 'tenant.create');
    const other = await sdkCall(management.tenant.create({ name: unique('other-'), appIds: '' }), 'tenant.create (no apps)');
    const ofApp = await sdkCall(management.applications.applicationTenants(app.id), 'applications.applicationTenants');
    assert.equal(ofApp.id, app.id);
    assert.deepEqual(ofApp.tenants.map((t) => t.id), [tenant.id]);

    const org = await sdkCall(management.org.create(unique('org-'), 'tenant org', undefined, tenant.id), 'org.create with tenantId');
    const orgs = await sdkCall(management.org.getOrgByTenantId(tenant.id), 'org.getOrgByTenantId');
    assert.deepEqual(orgs.map((o) => o.id), [org.id]);
    assert.equal(orgs[0].tenantId, tenant.id);

    const member = await newUser('member_');
    const outsider = await newUser('outsider_');
    await sdkCall(management.tenant.addMembers(tenant.id, [member.id]), 'tenant.addMembers');

    const signedIn = await sdkCall(client(app.id, { tenantId: tenant.id }).loginByUsername(member.username, PASSWORD), 'loginByUsername under the tenant');
    assert.equal(assertJwt(signedIn.token, 'tenant token').tenant_id, tenant.id);
    // The same app without a tenant (BOTH): a pool sign-in, no tenant claim.
    const plain = await sdkCall(client(app.id).loginByUsername(member.username, PASSWORD), 'loginByUsername without a tenant');
    assert.equal(assertJwt(plain.token, 'pool token').tenant_id, undefined);
    // An app that isn't tenant-enabled ignores the tenant header.
    const individual = await sdkCall(client(server.appId, { tenantId: tenant.id }).loginByUsername(member.username, PASSWORD),
      'loginByUsername, INDIVIDUAL app');
    assert.equal(assertJwt(individual.token, 'individual token').tenant_id, undefined);

    // Refused: a non-member, a tenant that doesn't use the app, an unknown tenant, a disabled member.
    await sdkError(client(app.id, { tenantId: tenant.id }).loginByUsername(outsider.username, PASSWORD), 2582, 'a non-member');
    await sdkError(client(app.id, { tenantId: other.id }).loginByUsername(member.username, PASSWORD), 2580, 'a tenant without the app');
    await sdkError(client(app.id, { tenantId: '5f00000000000000000fff01' }).loginByUsername(member.username, PASSWORD), 2580, 'an unknown tenant');
    assert.equal(await management.tenant.updateTenantMember(tenant.id, member.id, false), true);
    await sdkError(client(app.id, { tenantId: tenant.id }).loginByUsername(member.username, PASSWORD), 2582, 'a disabled member');

    // TENANT: the app is only used under tenants.
    await sdkCall(management.applications.changeApplicationType(app.id, 'TENANT'), 'changeApplicationType TENANT');
    await sdkError(client(app.id).loginByUsername(member.username, PASSWORD), 2580, 'TENANT app without a tenant');
  });

  it('a tenant\'s admin manages only their tenant (403 elsewhere), with their own token', async () => {
    const mine = await sdkCall(management.tenant.create({ name: unique('mine-'), appIds: '' }), 'tenant.create');
    const theirs = await sdkCall(management.tenant.create({ name: unique('theirs-'), appIds: '' }), 'tenant.create');
    const admin = await newUser('tadmin_');
    const someone = await newUser('someone_');
    assert.equal(await management.tenant.setTanentAdmin(mine.id, { userIds: [admin.id] }), true);
    const { token } = await sdkCall(client(server.appId).loginByUsername(admin.username, PASSWORD), 'tenant admin login');
    const asAdmin = new ManagementClient({ userPoolId: server.userPoolId, accessToken: token, host: server.baseUrl, lang: 'en-US' });

    const list = await sdkCall(asAdmin.tenant.list({ page: 1, limit: 10 }), 'tenant.list as tenant admin');
    assert.deepEqual(list.list.map((t) => t.id), [mine.id]);
    await sdkCall(asAdmin.tenant.update(mine.id, { name: 'renamed by its admin' }), 'tenant.update (own)');
    await sdkCall(asAdmin.tenant.addMembers(mine.id, [someone.id]), 'tenant.addMembers (own)');

    await sdkError(asAdmin.tenant.details(theirs.id), 403, 'tenant.details (other)');
    await sdkError(asAdmin.tenant.update(theirs.id, { name: 'taken over' }), 403, 'tenant.update (other)');
    await sdkError(asAdmin.tenant.addMembers(theirs.id, [someone.id]), 403, 'tenant.addMembers (other)');
    await sdkError(asAdmin.tenant.create({ name: 'new', appIds: '' }), 403, 'tenant.create');
    await sdkError(asAdmin.tenant.delete(mine.id), 403, 'tenant.delete (own)');
    assert.equal(await asAdmin.tenant.setTanentAdmin(mine.id, { userIds: [someone.id] }), false, 'setTanentAdmin is the pool admin\'s');
    assert.equal((await management.tenant.details(theirs.id)).name, theirs.name, 'the other tenant is unchanged');
  });
});
