// Multi-factor authentication through the official SDK: enrolment with
// mfa.assosicateMfaAuthenticator / confirmAssosicateMfaAuthenticator (the SDK's
// spellings), the 1635 login challenge, and its answers. TOTP codes are computed
// here (RFC 6238 over node:crypto) from the secret in the otpauth URI, and the
// QR PNG is decoded back to that URI with jsqr + pngjs (test-only packages).
// SMS and email codes are read from the server's outbox (no gateway configured).

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { AuthenticationClient } from 'authing-js-sdk';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { assertJwt, sdkCall, sdkError, unique } from './sdk-assert.mjs';
import { startServer } from './server.mjs';

const PASSWORD = 'Sdk-mfa-Passw0rd';

let server;

before(async () => {
  // Codes to one target may be re-sent after a second here (60 s by default).
  process.env.GenAuth__Codes__ResendIntervalSeconds = '1';
  server = await startServer();
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

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238: HMAC-SHA1, 30 s steps, 6 digits; `offset` steps from now. */
function totp(secret, offset = 0) {
  const step = BigInt(Math.floor(Date.now() / 1000 / 30) + offset);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(step);
  const h = createHmac('sha1', secret).update(counter).digest();
  const o = h[h.length - 1] & 0x0f;
  const binary = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(binary % 1_000_000).padStart(6, '0');
}

function secretOf(uri) {
  return base32Decode(new URL(uri).searchParams.get('secret'));
}

function decodeQr(dataUrl) {
  const prefix = 'data:image/png;base64,';
  assert.ok(dataUrl.startsWith(prefix), `a PNG data URL, got ${dataUrl.slice(0, 40)}`);
  const png = PNG.sync.read(Buffer.from(dataUrl.slice(prefix.length), 'base64'));
  const found = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(found, 'the QR code should decode');
  return found.data;
}

describe('TOTP MFA through the SDK', () => {
  const email = `${unique('mfa.')}@example.com`;
  let client;
  let association;
  let secret;

  before(async () => {
    client = newClient();
    await sdkCall(client.registerByEmail(email, PASSWORD), 'registerByEmail');
    await sdkCall(client.loginByEmail(email, PASSWORD), 'loginByEmail');
  });

  it('mfa.assosicateMfaAuthenticator answers a secret, an otpauth URI, its QR code and a recovery code', async () => {
    association = await sdkCall(client.mfa.assosicateMfaAuthenticator({ authenticatorType: 'totp' }), 'assosicateMfaAuthenticator');
    assert.equal(association.authenticator_type, 'totp');
    assert.match(association.qrcode_uri, /^otpauth:\/\/totp\/[^?]+\?secret=[A-Z2-7]+&period=30&digits=6&algorithm=SHA1&issuer=/);
    assert.equal(decodeQr(association.qrcode_data_url), association.qrcode_uri);
    secret = secretOf(association.qrcode_uri);
    assert.deepEqual(base32Decode(association.secret), secret);
    assert.match(association.recovery_code, /^([0-9a-f]{4}-){5}[0-9a-f]{4}$/);
  });

  it('GraphQL sendEnrollFactorRequest answers a QR code that decodes to its qrCodeUri', async () => {
    const other = newClient();
    const user = await sdkCall(other.registerByEmail(`${unique('mfa.gql.')}@example.com`, PASSWORD, {}, { forceLogin: true }), 'register');
    const response = await fetch(`${server.baseUrl}/graphql/v2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-authing-userpool-id': server.userPoolId, authorization: `Bearer ${user.token}` },
      body: JSON.stringify({ query: 'mutation { sendEnrollFactorRequest(factorType: OTP) { otpData { qrCodeUri qrCodeDataUrl } } }' }),
    });
    const body = await response.json();
    const otp = body.data?.sendEnrollFactorRequest?.otpData;
    assert.ok(otp, JSON.stringify(body));
    assert.equal(decodeQr(otp.qrCodeDataUrl), otp.qrCodeUri);
  });

  it('mfa.confirmAssosicateMfaAuthenticator enrols the authenticator with a code computed here', async () => {
    const confirmed = await sdkCall(
      client.mfa.confirmAssosicateMfaAuthenticator({ authenticatorType: 'totp', totp: totp(secret) }),
      'confirmAssosicateMfaAuthenticator',
    );
    assert.equal(confirmed.code, 200);
    const authenticators = await sdkCall(client.mfa.getMfaAuthenticators({ type: 'totp' }), 'getMfaAuthenticators');
    assert.equal(authenticators.length, 1);
  });

  it('a password login now stops with 1635 and an mfaToken; mfa.verifyTotpMfa completes it', async () => {
    const error = await sdkError(newClient().loginByEmail(email, PASSWORD), 1635, 'login of a user with TOTP');
    const mfaToken = error.data?.mfaToken;
    assert.equal(typeof mfaToken, 'string', `error.data.mfaToken: ${JSON.stringify(error)}`);
    // One step ahead (accepted drift): the enrolling code's step is spent and can't be replayed.
    const user = await sdkCall(newClient().mfa.verifyTotpMfa({ totp: totp(secret, 1), mfaToken }), 'verifyTotpMfa');
    assert.equal(user.email?.toLowerCase(), email.toLowerCase());
    assertJwt(user.token, 'verifyTotpMfa');
    await sdkError(newClient().mfa.verifyTotpMfa({ totp: totp(secret, 1), mfaToken }), 1636, 'the same mfaToken again');
  });

  it('mfa.verifyTotpRecoveryCode completes a login once and returns a new recovery code', async () => {
    const { data } = await sdkError(newClient().loginByEmail(email, PASSWORD), 1635, 'login');
    const user = await sdkCall(
      newClient().mfa.verifyTotpRecoveryCode({ recoveryCode: association.recovery_code, mfaToken: data.mfaToken }),
      'verifyTotpRecoveryCode',
    );
    assertJwt(user.token, 'verifyTotpRecoveryCode');
    assert.match(user.recoveryCode, /^([0-9a-f]{4}-){5}[0-9a-f]{4}$/);
    assert.notEqual(user.recoveryCode, association.recovery_code);
    const again = await sdkError(newClient().loginByEmail(email, PASSWORD), 1635, 'login');
    await sdkError(
      newClient().mfa.verifyTotpRecoveryCode({ recoveryCode: association.recovery_code, mfaToken: again.data.mfaToken }),
      1637,
      'a spent recovery code',
    );
  });

  it('mfa.verifyAppSmsMfa and mfa.verifyAppEmailMfa reach the server with the mfaToken (no SMS/email factor: 1643)', async () => {
    // Note: the success path needs the verification-code service (issue 3) to deliver codes; the wire is checked here.
    const { data } = await sdkError(newClient().loginByEmail(email, PASSWORD), 1635, 'login');
    await sdkError(
      newClient().mfa.verifyAppSmsMfa({ phone: '13800000000', code: '123456', mfaToken: data.mfaToken }),
      1643,
      'verifyAppSmsMfa',
    );
    await sdkError(
      newClient().mfa.verifyAppEmailMfa({ email, code: '123456', mfaToken: data.mfaToken }),
      1643,
      'verifyAppEmailMfa',
    );
    await sdkError(newClient().mfa.verifyTotpMfa({ totp: '000000', mfaToken: 'not-a-token' }), 1636, 'a forged mfaToken');
  });
});

async function graphql(query, variables, token) {
  const response = await fetch(`${server.baseUrl}/graphql/v2`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-authing-app-id': server.appId, authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  assert.equal(body.errors, undefined, JSON.stringify(body));
  return body.data;
}

/** The code of the newest outbox message to `to`. */
function outboxCode(to) {
  const lines = readFileSync(path.join(server.dataDirectory, 'outbox.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const message = lines.filter((m) => m.to === to).at(-1);
  assert.ok(message, `no outbox message to ${to}`);
  return message.text.match(/\b\d{6}\b/)[0];
}

const SEND_ENROLL = 'mutation($type: FactorType!, $p: FactorProfileInput) { sendEnrollFactorRequest(factorType: $type, profile: $p) { enrollmentToken } }';
const ENROLL = 'mutation($t: String!, $c: String) { enrollFactor(enrollmentToken: $t, enrollmentData: { passCode: $c }) { factorId factorType } }';

async function enrolWithOutboxCode(token, type, profile, to) {
  const { sendEnrollFactorRequest } = await graphql(SEND_ENROLL, { type, p: profile }, token);
  await graphql(ENROLL, { t: sendEnrollFactorRequest.enrollmentToken, c: outboxCode(to) }, token);
}

describe('SMS and email MFA through the SDK', () => {
  it('an SMS factor answers the 1635 challenge through mfa.verifyAppSmsMfa with a code from sendSmsCode', async () => {
    const email = `${unique('mfa.sms.')}@example.com`;
    const phone = `138${Math.floor(10_000_000 + Math.random() * 89_999_999)}`;
    const client = newClient();
    const user = await sdkCall(client.registerByEmail(email, PASSWORD, {}, { forceLogin: true }), 'register');
    await enrolWithOutboxCode(user.token, 'SMS', { phoneNumber: phone }, `+86${phone}`);

    const { data } = await sdkError(newClient().loginByEmail(email, PASSWORD), 1635, 'login of a user with an SMS factor');
    assert.equal(data.phone, phone);
    await sleep(1100);
    await sdkCall(client.sendSmsCode(phone), 'sendSmsCode');
    const verified = await sdkCall(
      newClient().mfa.verifyAppSmsMfa({ phone, code: outboxCode(`+86${phone}`), mfaToken: data.mfaToken }),
      'verifyAppSmsMfa',
    );
    assertJwt(verified.token, 'verifyAppSmsMfa');
  });

  it('an email factor answers the 1635 challenge through mfa.verifyAppEmailMfa with a code from sendEmail(MFA_VERIFY)', async () => {
    const email = `${unique('mfa.mail.')}@example.com`;
    const second = `${unique('mfa.second.')}@example.com`;
    const client = newClient();
    const user = await sdkCall(client.registerByEmail(email, PASSWORD, {}, { forceLogin: true }), 'register');
    await enrolWithOutboxCode(user.token, 'EMAIL', { email: second }, second);

    const { data } = await sdkError(newClient().loginByEmail(email, PASSWORD), 1635, 'login of a user with an email factor');
    assert.equal(data.email, second);
    await sleep(1100);
    await sdkCall(client.sendEmail(second, 'MFA_VERIFY'), 'sendEmail(MFA_VERIFY)');
    await sdkError(
      newClient().mfa.verifyAppEmailMfa({ email: second, code: '000000', mfaToken: data.mfaToken }),
      2001,
      'a wrong email code',
    );
    const verified = await sdkCall(
      newClient().mfa.verifyAppEmailMfa({ email: second, code: outboxCode(second), mfaToken: data.mfaToken }),
      'verifyAppEmailMfa',
    );
    assertJwt(verified.token, 'verifyAppEmailMfa');
  });
});
