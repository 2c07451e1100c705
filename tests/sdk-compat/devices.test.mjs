// Issue 15, "Devices and custom events": the SDK's BrowserFingerprintClient (management and authentication) over our
// sessions, and EventManagementClient.pub / EventAuthenticationClient.pub into the pool's event log. A device is what
// a session's user agent and the client's fingerprint (x-authing-device-id) identify; disabling or suspending it ends
// its sessions and refuses sign-ins from it.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthenticationClient, ManagementClient } from 'authing-js-sdk';
import { sdkCall, sdkError, unique } from './sdk-assert.mjs';
import { startServer } from './server.mjs';

const PASSWORD = 'Sdk-compat-Passw0rd';
const REVOKED = [1010001, 2020];

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

/** A client on one device: its user agent, and the fingerprint it sends on sign-in (as a browser app would). */
function onDevice(userAgent, fingerprint) {
  const c = new AuthenticationClient({ appId: server.appId, userPoolId: server.userPoolId, appHost: server.baseUrl, lang: 'en-US' });
  for (const axios of [c.graphqlClient.axios, c.httpClient.axios]) {
    axios.defaults.headers.common['User-Agent'] = userAgent;
    if (fingerprint) axios.defaults.headers.common['x-authing-device-id'] = fingerprint;
  }
  return c;
}

/** browserFingerprint.createDevice's own request (its fingerprinting needs a browser's window, absent in node). */
const createDevice = (c, deviceUniqueId, name) =>
  c.httpClient.request({ method: 'POST', url: `${server.baseUrl}/api/v3/create-device`, data: { deviceUniqueId, name, type: 'Browser' } });

describe('devices (BrowserFingerprintClient)', () => {
  it('a session\'s device: listed, named by createDevice, disabled, suspended, enabled, per user, unbound, deleted', async () => {
    const ua = unique('SdkDevice/');
    const user = await newUser('dev_');
    const other = await newUser('dev2_');
    const c = onDevice(ua);
    await sdkCall(c.loginByUsername(user.username, PASSWORD), 'loginByUsername');

    const plain = (await sdkCall(c.browserFingerprint.myDevicesList(), 'myDevicesList')).find((d) => d.device.userAgent === ua);
    assert.ok(plain, 'the sign-in\'s device is listed');
    assert.equal(plain.online, true);

    // The client names its fingerprint: the session moves to that device.
    const device = await sdkCall(createDevice(c, 'fp-sdk-1', 'Work laptop'), 'create-device');
    assert.equal(device.name, 'Work laptop');
    assert.equal(device.deviceUniqueId, 'fp-sdk-1');
    const fp = onDevice(ua, 'fp-sdk-1');

    const all = await sdkCall(management.browserFingerprint.getDeviceList({ page: 1, limit: 50 }), 'getDeviceList');
    assert.ok(all.data.some((d) => d.id === device.id));
    assert.equal(all.totalCount, all.data.length);
    const details = await sdkCall(management.browserFingerprint.getDeviceDetails(device.id), 'getDeviceDetails');
    assert.equal(details.data.name, 'Work laptop');
    assert.equal((await management.browserFingerprint.getDeviceStatus(device.id)).status, 'activated');
    const ofUser = await sdkCall(management.browserFingerprint.getDeviceUserList({ userId: user.id, page: 1, limit: 10 }), 'getDeviceUserList');
    assert.ok(ofUser.data.some((d) => d.device.id === device.id && d.online));

    // Disabled: the session ends, sign-ins from it are refused; the same browser without the fingerprint is another device.
    assert.equal(await management.browserFingerprint.disableDevice(device.id), true);
    await sdkError(c.browserFingerprint.myDevicesList(), REVOKED, 'the disabled device\'s session');
    await sdkError(fp.loginByUsername(user.username, PASSWORD), 2586, 'sign-in from a disabled device');
    await sdkCall(onDevice(ua).loginByUsername(user.username, PASSWORD), 'the same browser, no fingerprint');

    // Suspended until a time: refused until then, with the time left.
    assert.equal(await management.browserFingerprint.enableDevice(device.id), true);
    await sdkCall(fp.loginByUsername(user.username, PASSWORD), 'sign-in after enableDevice');
    assert.equal(await management.browserFingerprint.suspendDevice(device.id, Date.now() + 3_600_000), true);
    const status = await sdkCall(management.browserFingerprint.getDeviceStatus(device.id), 'getDeviceStatus');
    assert.equal(status.status, 'suspended');
    assert.ok(status.diffTime > 0 && status.diffTime <= 3_600_000);
    await sdkError(fp.loginByUsername(user.username, PASSWORD), 2587, 'sign-in from a suspended device');
    assert.equal(await management.browserFingerprint.suspendDevice(device.id, Date.now() - 1000), false, 'a suspension in the past');
    assert.equal(await management.browserFingerprint.enableDevice(device.id), true);

    // Per user: only this user is refused on the device.
    await sdkCall(onDevice(ua, 'fp-sdk-1').loginByUsername(other.username, PASSWORD), 'another user on the device');
    assert.equal(await management.browserFingerprint.disableDeviceUser({ userId: user.id, id: device.id }), true);
    await sdkError(fp.loginByUsername(user.username, PASSWORD), 2586, 'disabled for this user');
    await sdkCall(onDevice(ua, 'fp-sdk-1').loginByUsername(other.username, PASSWORD), 'the other user still signs in');
    assert.equal(await management.browserFingerprint.enableDeviceUser({ userId: user.id, id: device.id }), true);
    assert.equal(await management.browserFingerprint.suspendDeviceUser({ userId: user.id, id: device.id, endTime: Date.now() + 60_000 }), true);
    await sdkError(fp.loginByUsername(user.username, PASSWORD), 2587, 'suspended for this user');
    assert.equal(await management.browserFingerprint.enableDeviceUser({ userId: user.id, id: device.id }), true);

    // The user's own paths: log the device out, unbind it.
    await sdkCall(fp.loginByUsername(user.username, PASSWORD), 'sign-in');
    assert.equal(await fp.browserFingerprint.myDevicesLogout(device.id), true, 'myDevicesLogout');
    await sdkError(fp.browserFingerprint.myDevicesList(), REVOKED, 'after myDevicesLogout');
    const again = onDevice(ua, 'fp-sdk-1');
    await sdkCall(again.loginByUsername(user.username, PASSWORD), 'sign-in');
    assert.equal(await again.browserFingerprint.myDevicesUnbind(device.id), true, 'myDevicesUnbind');
    const bound = onDevice(ua);
    await sdkCall(bound.loginByUsername(user.username, PASSWORD), 'sign-in, another device');
    assert.ok(!(await bound.browserFingerprint.myDevicesList()).some((d) => d.device.id === device.id), 'unbound');
    assert.equal(await bound.browserFingerprint.myDevicesUnbind(device.id), false, 'unbinding a device not bound');

    // Deleted: for one user, then for everyone.
    assert.equal(await management.browserFingerprint.delDeviceUser({ userId: other.id, id: device.id }), true);
    assert.equal(await management.browserFingerprint.delDevice(device.id), true);
    await sdkError(management.browserFingerprint.getDeviceDetails(device.id), 2585, 'getDeviceDetails after delDevice');
    assert.equal(await management.browserFingerprint.delDevice(device.id), false, 'delDevice twice');
  });

  it('the admin paths are the pool admin\'s', async () => {
    const user = await newUser('devabuse_');
    const c = onDevice(unique('SdkAbuse/'));
    const { token } = await sdkCall(c.loginByUsername(user.username, PASSWORD), 'loginByUsername');
    const asUser = new ManagementClient({ userPoolId: server.userPoolId, accessToken: token, host: server.baseUrl, lang: 'en-US' });
    await sdkError(asUser.browserFingerprint.getDeviceList({ page: 1, limit: 10 }), 403, 'getDeviceList with a user token');
    const [mine] = await c.browserFingerprint.myDevicesList();
    assert.equal(await asUser.browserFingerprint.disableDevice(mine.device.id), false, 'disableDevice with a user token');
    assert.equal((await management.browserFingerprint.getDeviceStatus(mine.device.id)).status, 'activated');
  });
});

describe('custom events (event.pub)', () => {
  it('an admin\'s and a signed-in user\'s events land in the pool\'s event log', async () => {
    const published = await sdkCall(management.event.pub('order.paid', JSON.stringify({ order: 42 })), 'management.event.pub');
    assert.equal(published.eventType, 'order.paid');

    const user = await newUser('evt_');
    const c = new AuthenticationClient({ appId: server.appId, userPoolId: server.userPoolId, appHost: server.baseUrl, lang: 'en-US' });
    await sdkCall(c.loginByUsername(user.username, PASSWORD), 'loginByUsername');
    await sdkCall(c.event.pub('cart.viewed', 'sku-1'), 'authentication event.pub');

    const audit = await sdkCall(management.statistics.listAuditLogs({ page: 1, limit: 50 }), 'statistics.listAuditLogs');
    assert.ok(audit.list.some((l) => l.eventType === 'custom:order.paid'), 'the admin\'s event');
    assert.ok(audit.list.some((l) => l.eventType === 'custom:cart.viewed' && l.userId === user.id), 'the user\'s event');

    const anonymous = new AuthenticationClient({ appId: server.appId, userPoolId: server.userPoolId, appHost: server.baseUrl, lang: 'en-US' });
    await sdkError(anonymous.event.pub('anon', 'x'), 2020, 'event.pub without a user');
    await sdkError(management.event.pub('not a type!', 'x'), 400, 'event.pub with a bad eventType');
    await sdkError(management.event.pub('big', 'x'.repeat(2049)), 400, 'event.pub with too much data');
  });
});
