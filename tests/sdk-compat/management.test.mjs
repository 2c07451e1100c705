// The official SDK's ManagementClient, unmodified, against a real GenAuth server:
// users (create, list, search, find, update, delete), custom fields (udf/udv)
// and the registration whitelist, as an admin back-end performs them.

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

describe('ManagementClient users', () => {
  it('creates, lists, searches, finds, updates and deletes users', async () => {
    const email = `${unique('mgmt')}@example.com`;
    const created = await sdkCall(management.users.create({ email, password: PASSWORD, nickname: 'Created' }), 'users.create');
    assert.equal(created.email, email);
    assert.equal(created.phoneVerified, false);
    await sdkError(management.users.create({ email }), 2026, 'users.create duplicate');

    const page = await sdkCall(management.users.list(1, 10), 'users.list');
    assert.ok(page.totalCount >= 1);
    assert.ok(page.list.some((u) => u.id === created.id));

    const found = await sdkCall(management.users.search(email.slice(0, 8)), 'users.search');
    assert.ok(found.list.some((u) => u.id === created.id));
    const byEmail = await sdkCall(management.users.find({ email }), 'users.find');
    assert.equal(byEmail.id, created.id);

    const updated = await sdkCall(management.users.update(created.id, { nickname: 'Renamed', blocked: true }), 'users.update');
    assert.equal(updated.nickname, 'Renamed');
    const login = new AuthenticationClient({ appId: server.appId, userPoolId: server.userPoolId, appHost: server.baseUrl, lang: 'en-US' });
    await sdkError(login.loginByEmail(email, PASSWORD), 2057, 'login of a blocked user');

    const batch = await sdkCall(management.users.batch([created.id]), 'users.batch');
    assert.equal(batch[0].id, created.id);
    const detail = await sdkCall(management.users.detail(created.id), 'users.detail');
    assert.equal(detail.email, email);

    await sdkCall(management.users.delete(created.id), 'users.delete');
    const archived = await sdkCall(management.users.listArchivedUsers(1, 10), 'users.listArchivedUsers');
    assert.ok(archived.list.some((u) => u.id === created.id));
  });
});

describe('ManagementClient custom fields', () => {
  it('defines fields and sets, reads and removes values', async () => {
    await sdkCall(management.udf.set('USER', 'age', 'NUMBER', 'Age'), 'udf.set');
    await sdkCall(management.udf.set('USER', 'nick2', 'STRING', 'Nick'), 'udf.set');
    const fields = await sdkCall(management.udf.list('USER'), 'udf.list');
    assert.deepEqual(fields.map((f) => f.key).sort(), ['age', 'nick2']);

    const user = await sdkCall(management.users.create({ username: unique('udv') }), 'users.create');
    await sdkCall(management.users.setUdfValue(user.id, { age: 42, nick2: 'Robby' }), 'users.setUdfValue');
    const values = await sdkCall(management.users.getUdfValue(user.id), 'users.getUdfValue');
    assert.deepEqual(values, { age: 42, nick2: 'Robby' });
    await sdkError(management.users.setUdfValue(user.id, { age: 'old' }), 2602, 'a string in a NUMBER field');

    const batch = await sdkCall(management.users.getUdfValueBatch([user.id]), 'users.getUdfValueBatch');
    assert.equal(batch[user.id].age, 42);
    await sdkCall(management.users.removeUdfValue(user.id, 'age'), 'users.removeUdfValue');
    assert.deepEqual(await management.users.getUdfValue(user.id), { nick2: 'Robby' });
    await sdkCall(management.udf.remove('USER', 'age'), 'udf.remove');
  });
});

describe('ManagementClient whitelist', () => {
  it('enables a whitelist and only listed emails register', async () => {
    const listed = `${unique('listed')}@example.com`;
    await sdkCall(management.whitelist.enable('EMAIL'), 'whitelist.enable');
    await sdkCall(management.whitelist.add('EMAIL', [listed]), 'whitelist.add');
    const list = await sdkCall(management.whitelist.list('EMAIL'), 'whitelist.list');
    assert.ok(list.some((w) => w.value === listed));

    const auth = new AuthenticationClient({ appId: server.appId, userPoolId: server.userPoolId, appHost: server.baseUrl, lang: 'en-US' });
    await sdkCall(auth.registerByEmail(listed, PASSWORD), 'registerByEmail (listed)');
    await sdkError(auth.registerByEmail(`${unique('other')}@example.com`, PASSWORD), 2063, 'registerByEmail (not listed)');

    await sdkCall(management.whitelist.remove('EMAIL', [listed]), 'whitelist.remove');
    await sdkCall(management.whitelist.disable('EMAIL'), 'whitelist.disable');
  });
});
