// The official SDK's ManagementClient (roles, groups, org nodes and members,
// acl allow/isAllowed) and the end user's own reads (listAuthorizedResources,
// hasRole, listOrgs, listDepartments) against a real GenAuth server.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthenticationClient, ManagementClient } from 'authing-js-sdk';
import { sdkCall, sdkError, unique } from './sdk-assert.mjs';
import { startServer } from './server.mjs';

const PASSWORD = 'Sdk-compat-Passw0rd';

let server;
let management;
const users = [];

before(async () => {
  server = await startServer();
  management = new ManagementClient({
    userPoolId: server.userPoolId,
    secret: server.secret,
    host: server.baseUrl,
    lang: 'en-US',
  });
  for (let i = 0; i < 3; i++) {
    const client = newClient();
    const email = `${unique('rbac')}@example.com`;
    await sdkCall(client.registerByEmail(email, PASSWORD), 'registerByEmail');
    const user = await sdkCall(client.loginByEmail(email, PASSWORD), 'loginByEmail');
    users.push({ id: user.id, client });
  }
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

describe('ManagementClient.roles', () => {
  it('creates, reads, lists, assigns, lists holders, updates and deletes roles', async () => {
    const created = await sdkCall(management.roles.create('editor', 'can edit'), 'roles.create');
    assert.equal(created.code, 'editor');
    assert.equal(created.namespace, 'default');
    assert.equal((await sdkCall(management.roles.detail('editor'), 'roles.detail')).description, 'can edit');
    assert.ok((await sdkCall(management.roles.list(), 'roles.list')).list.some(r => r.code === 'editor'));

    await sdkCall(management.roles.addUsers('editor', [users[0].id, users[1].id]), 'roles.addUsers');
    const holders = await sdkCall(management.roles.listUsers('editor'), 'roles.listUsers');
    assert.equal(holders.totalCount, 2);
    await sdkCall(management.roles.removeUsers('editor', [users[1].id]), 'roles.removeUsers');
    assert.equal((await sdkCall(management.roles.listUsers('editor'), 'roles.listUsers')).totalCount, 1);

    assert.equal(await users[0].client.hasRole('editor'), true);
    assert.equal(await users[1].client.hasRole('editor'), false);

    const updated = await sdkCall(management.roles.update('editor', { description: 'edits' }), 'roles.update');
    assert.equal(updated.description, 'edits');
    await sdkCall(management.roles.create('temporary'), 'roles.create');
    await sdkCall(management.roles.delete('temporary'), 'roles.delete');
    assert.equal(await sdkCall(management.roles.detail('temporary'), 'roles.detail'), null);
  });
});

describe('ManagementClient.groups', () => {
  it('creates groups, adds and lists members, updates and deletes', async () => {
    const code = unique('grp');
    const group = await sdkCall(management.groups.create(code, 'Readers', 'people who read'), 'groups.create');
    assert.equal(group.code, code);
    await sdkCall(management.groups.addUsers(code, [users[0].id, users[2].id]), 'groups.addUsers');
    const members = await sdkCall(management.groups.listUsers(code), 'groups.listUsers');
    assert.equal(members.totalCount, 2);
    assert.deepEqual(members.list.map(u => u.id).sort(), [users[0].id, users[2].id].sort());
    await sdkCall(management.groups.removeUsers(code, [users[2].id]), 'groups.removeUsers');
    assert.equal((await sdkCall(management.groups.listUsers(code), 'groups.listUsers')).totalCount, 1);
    assert.equal((await sdkCall(management.groups.update(code, { name: 'Readers 2' }), 'groups.update')).name, 'Readers 2');
    assert.ok((await sdkCall(management.groups.list(1, 50), 'groups.list')).list.some(g => g.code === code));
    await sdkError(management.groups.create(code, 'again'), 2511, 'duplicate group code');
    await sdkCall(management.groups.delete(code), 'groups.delete');
    assert.equal(await sdkCall(management.groups.detail(code), 'groups.detail'), null);
  });
});

describe('ManagementClient.org', () => {
  it('builds a tree, moves nodes without cycles, manages members; users read their orgs and departments', async () => {
    const org = await sdkCall(management.org.create('Corp', 'the company', unique('corp')), 'org.create');
    const rootId = org.rootNode.id;
    const rd = await sdkCall(management.org.addNode(org.id, rootId, { name: 'RD', code: unique('rd') }), 'org.addNode');
    const mobile = await sdkCall(management.org.addNode(org.id, rd.id, { name: 'Mobile' }), 'org.addNode');
    const hr = await sdkCall(management.org.addNode(org.id, rootId, { name: 'HR' }), 'org.addNode');

    assert.equal(await sdkCall(management.org.isRootNode(org.id, rootId), 'org.isRootNode'), true);
    assert.deepEqual((await sdkCall(management.org.listChildren(rd.id), 'org.listChildren')).map(n => n.id), [mobile.id]);
    assert.equal((await sdkCall(management.org.rootNode(org.id), 'org.rootNode')).id, rootId);
    assert.equal((await sdkCall(management.org.findById(org.id), 'org.findById')).nodes.length, 4);

    await sdkError(management.org.moveNode(org.id, rd.id, mobile.id), 2533, 'moving a node under its own child');
    const moved = await sdkCall(management.org.moveNode(org.id, mobile.id, hr.id), 'org.moveNode');
    assert.deepEqual(moved.nodes.find(n => n.id === mobile.id).path, [rootId, hr.id, mobile.id]);

    await sdkCall(management.org.addMembers(mobile.id, [users[0].id, users[1].id]), 'org.addMembers');
    const members = await sdkCall(management.org.listMembers(hr.id, { includeChildrenNodes: true }), 'org.listMembers');
    assert.equal(members.totalCount, 2);
    await sdkCall(management.org.moveMembers({ userIds: [users[1].id], sourceNodeId: mobile.id, targetNodeId: rd.id }), 'org.moveMembers');
    await sdkCall(management.org.removeMembers(rd.id, [users[1].id]), 'org.removeMembers');
    await sdkCall(management.org.setMainDepartment(users[0].id, mobile.id), 'org.setMainDepartment');

    const departments = await sdkCall(users[0].client.listDepartments(), 'listDepartments');
    assert.equal(departments.totalCount, 1);
    assert.equal(departments.list[0].department.id, mobile.id);
    assert.equal(departments.list[0].isMainDepartment, true);
    const orgs = await sdkCall(users[0].client.listOrgs(), 'listOrgs');
    assert.deepEqual(orgs[0].map(n => n.type), ['org', 'node', 'node', 'node']);
    assert.deepEqual(orgs[0].slice(1).map(n => n.name), ['Corp', 'HR', 'Mobile']);

    await sdkCall(management.org.deleteNode(org.id, hr.id), 'org.deleteNode');
    assert.equal((await sdkCall(management.org.findById(org.id), 'org.findById')).nodes.length, 2);
    await sdkCall(management.org.deleteById(org.id), 'org.deleteById');
  });
});

describe('ManagementClient.acl', () => {
  it('allow grants an action, isAllowed answers with wildcards, users list what they may do', async () => {
    await sdkCall(management.acl.allow(users[2].id, 'books:123', 'books:read', 'default'), 'acl.allow');
    await sdkCall(management.roles.create('librarian'), 'roles.create');
    await sdkCall(management.roles.addUsers('librarian', [users[2].id]), 'roles.addUsers');
    await sdkCall(management.acl.authorizeResource({
      namespace: 'default', resource: 'books:*', resourceType: 'DATA',
      opts: [{ targetType: 'ROLE', targetIdentifier: 'librarian', actions: ['books:list'] }],
    }), 'acl.authorizeResource');

    assert.equal(await sdkCall(management.acl.isAllowed(users[2].id, 'books:123', 'books:read'), 'acl.isAllowed'), true);
    assert.equal(await sdkCall(management.acl.isAllowed(users[2].id, 'books:999', 'books:read'), 'acl.isAllowed'), false);
    assert.equal(await sdkCall(management.acl.isAllowed(users[2].id, 'books:999', 'books:list'), 'acl.isAllowed'), true);
    assert.equal(await sdkCall(management.acl.isAllowed(users[0].id, 'books:123', 'books:read'), 'acl.isAllowed'), false);

    const mine = await sdkCall(users[2].client.listAuthorizedResources('default'), 'listAuthorizedResources');
    assert.equal(mine.totalCount, 2);
    assert.deepEqual(mine.list.map(r => r.code).sort(), ['books:*', 'books:123']);
    assert.deepEqual(mine.list.find(r => r.code === 'books:123'), { code: 'books:123', type: 'DATA', actions: ['books:read'] });
  });

  it('refuses end-user tokens on management operations', async () => {
    const token = users[0].client.tokenProvider.getToken();
    const response = await fetch(`${server.baseUrl}/graphql/v2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-authing-userpool-id': server.userPoolId, authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation { createRole(code: "x") { code } }' }),
    });
    const body = await response.json();
    assert.equal(body.errors[0].extensions.code, 403);
  });
});
