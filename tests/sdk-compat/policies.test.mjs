// Issue 15, "Policies" and "Access control and resources": PoliciesManagementClient, roles' policies, DENY winning
// through roles, groups and org nodes, conditions (IP range) evaluated, the ACL REST batch paths, permission
// namespaces, bulk resources, application-level authorization at sign-in and programmatic access accounts (AK/SK).
// The time-window condition with a moved clock is tested in xunit (Rbac/PolicyConditionTests: the clock is injected).

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

function newClient(appId = server.appId) {
  return new AuthenticationClient({ appId, userPoolId: server.userPoolId, appHost: server.baseUrl, lang: 'en-US' });
}

async function newUser() {
  const email = `${unique('pol')}@example.com`;
  await sdkCall(newClient().registerByEmail(email, PASSWORD), 'registerByEmail');
  const user = await sdkCall(newClient().loginByEmail(email, PASSWORD), 'loginByEmail');
  return { id: user.id, email };
}

/** REST failures: the ManagementClient's onError throws { code, message, data } like GraphQL errors. */
const restError = sdkError;

const allowed = (userId, resource, action) => management.acl.isAllowed(userId, resource, action);

describe('PoliciesManagementClient', () => {
  it('creates, reads, lists, updates, deletes policies with their statements; missing ones answer 2545', async () => {
    const code = unique('p');
    const created = await sdkCall(management.policies.create({
      code, description: 'books',
      statements: [{ resource: 'books:*', actions: ['books:read'], effect: 'ALLOW', condition: [{ param: 'ip', operator: 'IN_RANGE', value: '0.0.0.0/0' }] }],
    }), 'policies.create');
    assert.equal(created.code, code);
    assert.equal(created.namespace, 'default');
    assert.equal(created.assignmentsCount, 0);
    assert.deepEqual(created.statements[0].condition, [{ param: 'ip', operator: 'IN_RANGE', value: '0.0.0.0/0' }]);
    await sdkError(management.policies.create({ code, statements: [{ resource: 'x', actions: ['y'] }] }), 2546, 'duplicate policy code');
    await sdkError(management.policies.create({ code: unique('bad'), statements: [{ resource: 'x', actions: ['y'], condition: [{ param: 'moon', operator: 'FULL', value: 1 }] }] }),
      400, 'unsupported condition');

    const detail = await sdkCall(management.policies.detail(code), 'policies.detail');
    assert.deepEqual(detail.statements[0].actions, ['books:read']);
    const list = await sdkCall(management.policies.list({ page: 1, limit: 50 }), 'policies.list');
    assert.ok(list.list.some(p => p.code === code));

    const updated = await sdkCall(management.policies.update(code, { description: 'changed', statements: [{ resource: 'books:1', actions: ['books:write'], effect: 'DENY' }] }),
      'policies.update');
    assert.equal(updated.description, 'changed');
    assert.equal(updated.statements[0].effect, 'DENY');

    await sdkError(management.policies.detail('no-such-policy'), 2545, 'policies.detail of a missing code');
    await sdkError(management.policies.update('no-such-policy', { description: 'x' }), 2545, 'policies.update of a missing code');
    await sdkError(management.policies.deleteMany([code, 'no-such-policy']), 2545, 'policies.deleteMany with a missing code');
    assert.ok(await sdkCall(management.policies.detail(code), 'the batch deleted nothing'));
    await sdkCall(management.policies.delete(code), 'policies.delete');
    await sdkError(management.policies.delete(code), 2545, 'policies.delete again');
  });

  it('assigns, lists, disables, enables and removes assignments; roles.listPolicies/addPolicies/removePolicies', async () => {
    const user = await newUser();
    const code = unique('read');
    await sdkCall(management.policies.create({ code, statements: [{ resource: 'docs:*', actions: ['docs:read'], effect: 'ALLOW' }] }), 'policies.create');
    assert.equal(await sdkCall(allowed(user.id, 'docs:1', 'docs:read'), 'isAllowed before'), false);

    await sdkCall(management.policies.addAssignments([code], 'USER', [user.id]), 'addAssignments');
    assert.equal(await sdkCall(allowed(user.id, 'docs:1', 'docs:read'), 'isAllowed after assignment'), true);
    assert.equal(await sdkCall(allowed(user.id, 'docs:1', 'docs:delete'), 'another action'), false);
    const assignments = await sdkCall(management.policies.listAssignments({ code }), 'listAssignments');
    assert.deepEqual(assignments.list.map(a => [a.code, a.targetType, a.targetIdentifier]), [[code, 'USER', user.id]]);

    await sdkCall(management.policies.disableAssignment(code, 'USER', user.id), 'disableAssignment');
    assert.equal(await sdkCall(allowed(user.id, 'docs:1', 'docs:read'), 'isAllowed while disabled'), false);
    await sdkCall(management.policies.enableAssignment(code, 'USER', user.id), 'enableAssignment');
    assert.equal(await sdkCall(allowed(user.id, 'docs:1', 'docs:read'), 'isAllowed enabled again'), true);
    await sdkCall(management.policies.removeAssignments([code], 'USER', [user.id]), 'removeAssignments');
    assert.equal(await sdkCall(allowed(user.id, 'docs:1', 'docs:read'), 'isAllowed after removal'), false);
    await sdkError(management.policies.addAssignments(['no-such-policy'], 'USER', [user.id]), 2545, 'assigning a missing policy');
    await sdkError(management.policies.addAssignments([code], 'USER', ['000000000000000000000000']), 2004, 'assigning to a missing user');

    // roles.*Policies (the SDK sends the role code as a USER target: it still means the role).
    const role = unique('role');
    await sdkCall(management.roles.create(role), 'roles.create');
    await sdkCall(management.roles.addUsers(role, [user.id]), 'roles.addUsers');
    await sdkCall(management.roles.addPolicies(role, [code]), 'roles.addPolicies');
    const rolePolicies = await sdkCall(management.roles.listPolicies(role), 'roles.listPolicies');
    assert.deepEqual(rolePolicies.list.map(a => [a.code, a.targetType, a.targetIdentifier]), [[code, 'ROLE', role]]);
    assert.equal(await sdkCall(allowed(user.id, 'docs:7', 'docs:read'), 'allowed through the role'), true);
    const resources = await sdkCall(management.users.listAuthorizedResources(user.id, 'default'), 'users.listAuthorizedResources');
    assert.deepEqual(resources.list.map(r => [r.code, r.actions]), [['docs:*', ['docs:read']]]);
    await sdkCall(management.roles.removePolicies(role, [code]), 'roles.removePolicies');
    assert.equal(await sdkCall(allowed(user.id, 'docs:7', 'docs:read'), 'after roles.removePolicies'), false);

    const byTarget = await sdkCall(management.acl.getPoliciesAssignmentsCondition('default', code, 'ROLE'), 'getPoliciesAssignmentsCondition');
    assert.equal(byTarget.totalCount, 0);
  });

  for (const through of ['role', 'group', 'org node']) {
    it(`a DENY through a ${through} overrides an ALLOW granted to the user directly`, async () => {
      const user = await newUser();
      await sdkCall(management.acl.allow(user.id, 'reports:*', 'reports:*'), 'acl.allow');
      assert.equal(await sdkCall(allowed(user.id, 'reports:q1', 'reports:export'), 'allowed first'), true);
      const deny = unique('deny');
      await sdkCall(management.policies.create({ code: deny, statements: [{ resource: 'reports:q1', actions: ['reports:export'], effect: 'DENY' }] }), 'create DENY');
      if (through === 'role') {
        const role = unique('r');
        await sdkCall(management.roles.create(role), 'roles.create');
        await sdkCall(management.roles.addUsers(role, [user.id]), 'roles.addUsers');
        await sdkCall(management.policies.addAssignments([deny], 'ROLE', [role]), 'assign to role');
      } else if (through === 'group') {
        const group = unique('g');
        await sdkCall(management.groups.create(group, 'G'), 'groups.create');
        await sdkCall(management.groups.addUsers(group, [user.id]), 'groups.addUsers');
        await sdkCall(management.policies.addAssignments([deny], 'GROUP', [group]), 'assign to group');
      } else {
        const org = await sdkCall(management.org.create(unique('Org'), 'o', unique('org')), 'org.create');
        const child = await sdkCall(management.org.addNode(org.id, org.rootNode.id, { name: 'Team' }), 'org.addNode');
        await sdkCall(management.org.addMembers(child.id, [user.id]), 'org.addMembers');
        // Assigned to the root without inheritByChildren: the child's member is not concerned...
        await sdkCall(management.policies.addAssignments([deny], 'ORG', [org.rootNode.id]), 'assign to root');
        assert.equal(await sdkCall(allowed(user.id, 'reports:q1', 'reports:export'), 'root without inheritance'), true);
        // ...with it, they are.
        await sdkCall(management.policies.addAssignments([deny], 'ORG', [org.rootNode.id], { inheritByChildren: true }), 'assign inherited');
      }
      assert.equal(await sdkCall(allowed(user.id, 'reports:q1', 'reports:export'), 'DENY wins'), false);
      assert.equal(await sdkCall(allowed(user.id, 'reports:q2', 'reports:export'), 'other resource still allowed'), true);
      assert.equal(await sdkCall(allowed(user.id, 'reports:q1', 'reports:read'), 'other action still allowed'), true);
    });
  }

  it('evaluates an IP-range condition against the request (loopback here); a DENY for everyone outside the office', async () => {
    const user = await newUser();
    const office = unique('office');
    await sdkCall(management.policies.create({ code: office, statements: [
      { resource: 'vault', actions: ['open'], effect: 'ALLOW', condition: [{ param: 'ip', operator: 'IN_RANGE', value: ['10.0.0.0/8', '192.168.0.0/16'] }] },
    ] }), 'create office-only policy');
    await sdkCall(management.policies.addAssignments([office], 'USER', [user.id]), 'assign');
    assert.equal(await sdkCall(allowed(user.id, 'vault', 'open'), 'from 127.0.0.1: outside the range'), false);
    await sdkCall(management.policies.update(office, { statements: [
      { resource: 'vault', actions: ['open'], effect: 'ALLOW', condition: [{ param: 'ip', operator: 'IN_RANGE', value: '127.0.0.0/8,::1/128' }] },
    ] }), 'range with loopback');
    assert.equal(await sdkCall(allowed(user.id, 'vault', 'open'), 'from 127.0.0.1: inside the range'), true);
    // A grant's conditions (authorizeResource) are evaluated too.
    await sdkCall(management.acl.authorizeResource({ namespace: 'default', resource: 'safe', opts: [
      { targetType: 'USER', targetIdentifier: user.id, actions: ['open'], conditions: JSON.stringify([{ param: 'ip', operator: 'NOT_IN_RANGE', value: '127.0.0.0/8,::1/128' }]) },
    ] }), 'authorizeResource with a condition');
    assert.equal(await sdkCall(allowed(user.id, 'safe', 'open'), 'grant condition does not hold'), false);
    await sdkError(management.acl.authorizeResource({ namespace: 'default', resource: 'safe', opts: [
      { targetType: 'USER', targetIdentifier: user.id, actions: ['open'], conditions: 'not json' },
    ] }), 400, 'malformed grant condition');
  });

  it("a signed-in user's own token can't read or change policies (403); another pool's admin: see xunit PolicyConditionTests", async () => {
    const code = unique('mine');
    await sdkCall(management.policies.create({ code, statements: [{ resource: 'a', actions: ['b'] }] }), 'policies.create');
    const user = await newUser();
    const login = await sdkCall(newClient().loginByEmail(user.email, PASSWORD), 'login');
    const res = await fetch(`${server.baseUrl}/graphql/v2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${login.token}`, 'x-authing-userpool-id': server.userPoolId },
      body: JSON.stringify({ query: `mutation { deletePolicy(code: "${code}") { code } }` }),
    });
    const body = await res.json();
    assert.equal(body.errors?.[0]?.extensions?.code, 403, JSON.stringify(body));
    assert.ok(await sdkCall(management.policies.detail(code), 'still there'));
  });
});

describe('AclManagementClient REST paths', () => {
  it('authorizeResources, listAuthorizedResourcesBatch, revokeResources, revokeResource', async () => {
    const a = await newUser();
    const b = await newUser();
    await sdkCall(management.acl.authorizeResources({ namespace: 'default', opts: [
      { targetType: 'USER', targetIdentifiers: [a.id, b.id], resources: [{ code: 'ticket:1', actions: ['read', 'close'], resourceType: 'DATA' }] },
    ] }), 'authorizeResources');
    assert.equal(await sdkCall(allowed(b.id, 'ticket:1', 'close'), 'granted'), true);
    const batch = await sdkCall(management.acl.listAuthorizedResourcesBatch({ namespace: 'default', targets: [
      { targetType: 'USER', targetIdentifier: a.id }, { targetType: 'USER', targetIdentifier: b.id },
    ] }), 'listAuthorizedResourcesBatch');
    assert.equal(batch.list.length, 2);
    assert.deepEqual(batch.list[1].list.map(r => [r.code, r.actions]), [['ticket:1', ['read', 'close']]]);

    await sdkCall(management.acl.revokeResources({ namespace: 'default', opts: [
      { targetType: 'USER', targetIdentifiers: [a.id], resources: [{ code: 'ticket:1', actions: ['close'], resourceType: 'DATA' }] },
    ] }), 'revokeResources');
    assert.equal(await sdkCall(allowed(a.id, 'ticket:1', 'close'), 'close revoked'), false);
    assert.equal(await sdkCall(allowed(a.id, 'ticket:1', 'read'), 'read kept'), true);
    await sdkCall(management.acl.revokeResource({ namespace: 'default', resource: 'ticket:1', opts: [{ targetType: 'USER', targetIdentifier: b.id }] }),
      'revokeResource');
    assert.equal(await sdkCall(allowed(b.id, 'ticket:1', 'read'), 'all revoked'), false);

    // All or nothing: a missing user among the targets grants nobody anything.
    await restError(management.acl.authorizeResources({ namespace: 'default', opts: [
      { targetType: 'USER', targetIdentifiers: [b.id, '000000000000000000000000'], resources: [{ code: 'ticket:2', actions: ['read'], resourceType: 'DATA' }] },
    ] }), 2004, 'authorizeResources with a missing user');
    assert.equal(await sdkCall(allowed(b.id, 'ticket:2', 'read'), 'nothing half-written'), false);
  });

  it('namespaces: create, list, update, delete (2556 duplicate, 2555 missing)', async () => {
    const code = unique('ns');
    const created = await sdkCall(management.acl.createNamespace(code, 'Billing', 'billing app'), 'createNamespace');
    assert.equal(created.code, code);
    assert.equal(typeof created.id, 'number');
    await restError(management.acl.createNamespace(code, 'again'), 2556, 'duplicate namespace');
    const listed = await sdkCall(management.acl.listNamespaces(1, 50), 'listNamespaces');
    assert.ok(listed.list.some(n => n.code === code && n.name === 'Billing'));
    const updated = await sdkCall(management.acl.updateNamespace(code, { name: 'Billing 2' }), 'updateNamespace');
    assert.equal(updated.name, 'Billing 2');
    assert.equal(await sdkCall(management.acl.deleteNamespace(code), 'deleteNamespace'), true);
    await restError(management.acl.deleteNamespace(code), 2555, 'deleteNamespace again');
  });

  it('resources/bulk creates all or nothing, and is not taken for POST /resources/{code}', async () => {
    const one = unique('bulk');
    const two = unique('bulk');
    const ok = await management.tenant.batchInsertResource({ bulk: [
      { code: one, type: 'DATA', actions: [{ name: 'read', description: 'r' }] },
      { code: two, type: 'API', actions: [{ name: 'call', description: 'c' }], apiIdentifier: 'https://api.example.com' },
    ] });
    assert.equal(ok, true);
    const found = await sdkCall(management.acl.getResourceByCode({ namespace: 'default', code: two }), 'getResourceByCode');
    assert.equal(found.type, 'API');
    const three = unique('bulk');
    assert.equal(await management.tenant.batchInsertResource({ bulk: [{ code: three, type: 'DATA', actions: [] }, { code: one, type: 'DATA', actions: [] }] }), false);
    await restError(management.acl.getResourceByCode({ namespace: 'default', code: three }), 2540, 'nothing created by the failed batch');
  });
});

describe('application-level authorization and programmatic access accounts', () => {
  it('DENY through a group refuses sign-in to the app (2604); disable-effect lifts it; revoke removes it', async () => {
    const user = await newUser();
    const group = unique('blocked');
    await sdkCall(management.groups.create(group, 'Blocked'), 'groups.create');
    await sdkCall(management.groups.addUsers(group, [user.id]), 'groups.addUsers');
    const appId = server.appId;
    await sdkCall(management.acl.denyAccessApplication({ appId, targetType: 'GROUP', targetIdentifiers: [group] }), 'denyAccessApplication');
    await sdkError(newClient().loginByEmail(user.email, PASSWORD), 2604, 'sign-in of a denied group member');
    const records = await sdkCall(management.acl.getApplicationAccessPolicies({ appId }), 'records');
    assert.ok(records.list.some(r => r.targetIdentifier === group && r.effect === 'DENY' && r.enabled));
    await sdkCall(management.acl.disableApplicationAccessPolicy({ appId, targetType: 'GROUP', targetIdentifiers: [group] }), 'disable-effect');
    await sdkCall(newClient().loginByEmail(user.email, PASSWORD), 'sign-in while the record is disabled');
    await sdkCall(management.acl.enableApplicationAccessPolicy({ appId, targetType: 'GROUP', targetIdentifiers: [group] }), 'enable-effect');
    await sdkError(newClient().loginByEmail(user.email, PASSWORD), 2604, 'denied again');
    await sdkCall(management.acl.deleteApplicationAccessPolicy({ appId, targetType: 'GROUP', targetIdentifiers: [group] }), 'revoke');
    await sdkCall(newClient().loginByEmail(user.email, PASSWORD), 'sign-in after revoke');
  });

  it('an AK/SK works as the app credential at /oidc/token; a disabled or deleted one is refused', async () => {
    const token = await management.tokenProvider.getToken();
    const res = await fetch(`${server.baseUrl}/graphql/v2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-authing-userpool-id': server.userPoolId },
      body: JSON.stringify({ query: `mutation { createApplication(name: "${unique('m2m')}", grantTypes: ["client_credentials"]) { id } }` }),
    });
    const appId = (await res.json()).data.createApplication.id;
    const account = await sdkCall(management.acl.createProgrammaticAccessAccount(appId, { tokenLifetime: 600, remarks: 'ci' }), 'createProgrammaticAccessAccount');
    assert.ok(account.secret?.length >= 32);
    const listed = await sdkCall(management.acl.programmaticAccessAccountList(appId), 'programmaticAccessAccountList');
    assert.equal(listed.totalCount, 1);
    assert.equal(listed.list[0].secret, null, 'the SK is shown once, never listed');

    const tokenWith = (secret) => fetch(`${server.baseUrl}/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${appId}:${secret}`).toString('base64')}` },
      body: 'grant_type=client_credentials',
    }).then(async r => ({ status: r.status, body: await r.json() }));
    const ok = await tokenWith(account.secret);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.ok(ok.body.access_token);

    await sdkCall(management.acl.disableProgrammaticAccessAccount(account.id), 'disable');
    const refused = await tokenWith(account.secret);
    assert.equal(refused.body.error, 'invalid_client');
    await sdkCall(management.acl.enableProgrammaticAccessAccount(account.id), 'enable');
    assert.equal((await tokenWith(account.secret)).status, 200);
    const refreshed = await sdkCall(management.acl.refreshProgrammaticAccessAccountSecret(account.id), 'refresh secret');
    assert.notEqual(refreshed.secret, account.secret);
    assert.equal((await tokenWith(account.secret)).body.error, 'invalid_client', 'the old SK is dead');
    assert.equal((await tokenWith(refreshed.secret)).status, 200);
    assert.equal(await sdkCall(management.acl.deleteProgrammaticAccessAccount(account.id), 'delete'), true);
    assert.equal((await tokenWith(refreshed.secret)).body.error, 'invalid_client');
    await restError(management.acl.deleteProgrammaticAccessAccount(account.id), 2566, 'delete again');
  });
});
