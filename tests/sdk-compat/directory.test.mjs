// Issue 15, users/roles/orgs REST calls of the official SDK: users.filter, users.listOrgs, users.resignUser(Batch),
// users.getUdfFieldUserNum, roles.findUsers, org.importByJson, org.exportAll, org.exportByOrgId.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthenticationClient, ManagementClient } from 'authing-js-sdk';
import { sdkCall, sdkError, unique } from './sdk-assert.mjs';
import { startServer } from './server.mjs';

const PASSWORD = 'Sdk-compat-Passw0rd';
const MISSING = '5f00000000000000000fff03';

let server;
let management;

before(async () => {
  server = await startServer();
  management = new ManagementClient({ userPoolId: server.userPoolId, secret: server.secret, host: server.baseUrl, lang: 'en-US' });
});

after(async () => {
  await server?.stop();
});

const newUser = (prefix) => management.users.create({ email: `${unique(prefix)}@example.com`, password: PASSWORD });

describe('users', () => {
  it('users.filter ANDs { key, op, value } conditions; an unknown field is 400', async () => {
    const tag = unique('flt');
    const a = await sdkCall(management.users.create({ email: `${tag}.a@example.com`, password: PASSWORD }), 'create a');
    await sdkCall(management.users.create({ email: `${tag}.b@example.com`, password: PASSWORD }), 'create b');
    await sdkCall(management.users.update(a.id, { blocked: true }), 'block a');
    const page = await sdkCall(management.users.filter({ page: 1, limit: 10, filter: [{ key: 'email', op: 'startsWith', value: tag }] }), 'filter');
    assert.equal(page.totalCount, 2);
    const blocked = await sdkCall(management.users.filter({
      filter: [{ key: 'email', op: 'startsWith', value: tag }, { key: 'blocked', op: 'equal', value: true }],
    }), 'filter blocked');
    assert.deepEqual(blocked.list.map((u) => u.id), [a.id]);
    await sdkError(management.users.filter({ filter: [{ key: 'password', value: 'x' }] }), 400, 'filter on password');
  });

  it('users.listOrgs gives [org, root, …, department] per department; resignUser blocks and removes the user', async () => {
    const user = await sdkCall(newUser('resign.'), 'create');
    const code = unique('co');
    await sdkCall(management.org.importByJson({ name: 'Co', code, children: [{ name: 'Dev', code: `${code}-dev`, members: [user.id] }] }), 'import');
    const paths = await sdkCall(management.users.listOrgs(user.id), 'listOrgs');
    assert.equal(paths.length, 1);
    assert.deepEqual(paths[0].map((p) => p.type), ['org', 'node', 'node']);
    assert.equal(paths[0].at(-1).name, 'Dev');

    const client = new AuthenticationClient({ appId: server.appId, userPoolId: server.userPoolId, appHost: server.baseUrl, lang: 'en-US' });
    const signedIn = await sdkCall(client.loginByEmail(user.email, PASSWORD), 'login before resigning');
    await sdkError(management.users.resignUserBatch([user.id, MISSING]), 2004, 'resignUserBatch with a missing user');
    assert.equal((await sdkCall(client.checkLoginStatus(signedIn.token), 'status')).status, true);

    await sdkCall(management.users.resignUser(user.id), 'resignUser');
    assert.equal((await sdkCall(management.users.detail(user.id), 'detail')).status, 'Resigned');
    assert.deepEqual(await sdkCall(management.users.listOrgs(user.id), 'listOrgs after'), []);
    await sdkError(client.loginByEmail(user.email, PASSWORD), 2057, 'login after resigning');
    await sdkError(management.users.listOrgs(MISSING), 2004, 'listOrgs of a missing user');
  });

  it('users.getUdfFieldUserNum counts users holding a value of the field', async () => {
    const key = unique('f');
    await sdkCall(management.udf.set('USER', key, 'STRING', 'Field'), 'udf.set');
    const user = await sdkCall(newUser('udf.'), 'create');
    await sdkCall(management.users.setUdfValue(user.id, { [key]: 'v' }), 'setUdfValue');
    assert.deepEqual(await sdkCall(management.users.getUdfFieldUserNum({ definedFieldKey: key }), 'count'), { count: 1 });
    assert.deepEqual(await sdkCall(management.users.getUdfFieldUserNum({ definedFieldKey: key, appId: server.appId }), 'count in app'), { count: 0 });
    await sdkError(management.users.getUdfFieldUserNum({ definedFieldKey: key, appId: MISSING }), 2043, 'missing app');
  });
});

describe('roles', () => {
  it('roles.findUsers lists the holders of a role, narrowed by search', async () => {
    const code = unique('role');
    await sdkCall(management.roles.create(code), 'roles.create');
    const one = await sdkCall(newUser('holder1.'), 'create 1');
    const two = await sdkCall(newUser('holder2.'), 'create 2');
    await sdkCall(management.roles.addUsers(code, [one.id, two.id]), 'roles.addUsers');
    const all = await sdkCall(management.roles.findUsers(code), 'findUsers');
    assert.deepEqual(all.list.map((u) => u.id).sort(), [one.id, two.id].sort());
    const narrowed = await sdkCall(management.roles.findUsers(code, { search: 'holder2' }), 'findUsers search');
    assert.deepEqual(narrowed.list.map((u) => u.id), [two.id]);
    await sdkError(management.roles.findUsers(unique('none')), 2520, 'findUsers of a missing role');
  });
});

describe('orgs', () => {
  it('org.importByJson writes the tree; exportAll/exportByOrgId give it back; a bad tree writes nothing', async () => {
    const code = unique('ff');
    const tree = {
      name: 'Feifan', code,
      children: [
        { code: `${code}-op`, name: 'Operation', description: 'business' },
        { code: `${code}-dev`, name: 'Dev', children: [{ code: `${code}-be`, name: 'Backend' }] },
      ],
    };
    const imported = await sdkCall(management.org.importByJson(tree), 'importByJson');
    assert.equal(imported.name, 'Feifan');
    const one = await sdkCall(management.org.exportByOrgId(imported.orgId), 'exportByOrgId');
    assert.equal(one.length, 1);
    assert.deepEqual(one[0].children.map((c) => c.name), ['Operation', 'Dev']);
    assert.deepEqual(one[0].children[1].children.map((c) => c.code), [`${code}-be`]);
    const all = await sdkCall(management.org.exportAll(), 'exportAll');
    assert.ok(all.some((o) => o.orgId === imported.orgId));

    const before = (await sdkCall(management.org.exportAll(), 'exportAll')).length;
    // The same codes again (deep in the tree): refused, and no second org appears.
    await sdkError(management.org.importByJson({ name: 'Again', children: [{ name: 'X', children: [{ name: 'Y', code: `${code}-be` }] }] }),
      2532, 'import with a taken code');
    await sdkError(management.org.importByJson({ name: 'Members', children: [{ name: 'X', members: [MISSING] }] }), 2004, 'unknown member');
    assert.equal((await sdkCall(management.org.exportAll(), 'exportAll')).length, before);
  });
});
