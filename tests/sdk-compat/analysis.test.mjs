// The official SDK's log readers against the event log: StatisticsManagementClient
// (listUserActions, listAuditLogs), UserActionManagementClient (list) and
// users.getApplicationLoginUserNum (/api/v2/analysis/*).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthenticationClient, ManagementClient } from 'authing-js-sdk';
import { sdkCall, unique } from './sdk-assert.mjs';
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

describe('ManagementClient logs', () => {
  it('reads user actions, audit logs and the login count', async () => {
    const email = `${unique('logs')}@example.com`;
    const auth = new AuthenticationClient({ appId: server.appId, userPoolId: server.userPoolId, appHost: server.baseUrl, lang: 'en-US' });
    const user = await sdkCall(auth.registerByEmail(email, PASSWORD), 'registerByEmail');
    await sdkCall(auth.loginByEmail(email, PASSWORD), 'loginByEmail');
    const created = await sdkCall(management.users.create({ email: `${unique('logs-admin')}@example.com`, password: PASSWORD }), 'users.create');

    const actions = await sdkCall(management.statistics.listUserActions({ userId: user.id, eventType: 'login', page: 1, limit: 10 }),
      'statistics.listUserActions');
    assert.equal(actions.totalCount, 1);
    assert.equal(actions.list[0].eventType, 'login');
    assert.equal(actions.list[0].userId, user.id);
    assert.equal(actions.list[0].appId, server.appId);
    assert.ok(!Number.isNaN(Date.parse(actions.list[0].timestamp)));

    const audit = await sdkCall(management.statistics.listAuditLogs({ page: 1, limit: 50 }), 'statistics.listAuditLogs');
    assert.ok(audit.list.some((l) => l.eventType === 'createUser' && l.userId === created.id));
    assert.ok(audit.list.every((l) => l.eventType !== 'login'));

    const byArn = await sdkCall(management.userAction.list({
      page: 1, limit: 10, operationName: 'register', operatoArn: `arn:cn:authing:${server.userPoolId}:user:${user.id}`,
    }), 'userAction.list');
    assert.equal(byArn.totalCount, 1);
    assert.equal(byArn.list[0].operation_name, 'register');
    assert.equal(byArn.list[0].userpool_id, server.userPoolId);

    const count = await sdkCall(management.users.getApplicationLoginUserNum({ appId: server.appId }), 'users.getApplicationLoginUserNum');
    assert.ok(count.totalCount >= 1);
  });
});
