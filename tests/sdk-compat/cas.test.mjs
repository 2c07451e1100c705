// Issue 15, the last SDK methods: CAS (buildAuthorizeUrl with protocol 'cas', validateTicketV1, validateTicketV2,
// trackSession, buildLogoutUrl), signinByCredentials (POST /api/v3/signin) and the face MFA calls (answered 2651).
// The "browser" is fetch with a cookie jar: it signs in on the hosted login page the CAS login URL sends it to.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthenticationClient } from 'authing-js-sdk';
import { sdkCall, sdkError, unique } from './sdk-assert.mjs';
import { startServer } from './server.mjs';

const PASSWORD = 'Sdk-cas-Passw0rd';
const SERVICE = 'https://app.example/cas/callback';
const OTHER_SERVICE = 'https://app.example/other';

let server;
let adminToken;
let casAppId;

before(async () => {
  server = await startServer();
  const token = await graphql('query($p: String!, $s: String!) { accessToken(userPoolId: $p, secret: $s) { accessToken } }',
    { p: server.userPoolId, s: server.secret });
  adminToken = token.accessToken.accessToken;
  const created = await graphql('mutation($r: [String!]) { createApplication(name: "CAS app", redirectUris: $r) { id } }',
    { r: [SERVICE, OTHER_SERVICE] }, adminToken);
  casAppId = created.createApplication.id;
});

after(async () => {
  await server?.stop();
});

async function graphql(query, variables, token) {
  const response = await fetch(`${server.baseUrl}/graphql/v2`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-authing-userpool-id': server.userPoolId,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

function casClient(appId = casAppId) {
  return new AuthenticationClient({ appId, appHost: server.baseUrl, userPoolId: server.userPoolId, protocol: 'cas', lang: 'en-US' });
}

function newClient(extra = {}) {
  return new AuthenticationClient({ appId: server.appId, userPoolId: server.userPoolId, appHost: server.baseUrl, lang: 'en-US', ...extra });
}

async function registerUser() {
  const email = `${unique('cas.')}@example.com`;
  const user = await newClient().registerByEmail(email, PASSWORD);
  return { id: user.id, email };
}

/** fetch with cookies kept and no automatic redirects. */
class Browser {
  cookies = new Map();

  async get(url, init = {}) {
    return this.send(url, { ...init, method: 'GET' });
  }

  async send(url, init) {
    const absolute = new URL(url, server.baseUrl);
    const headers = { ...(init.headers ?? {}) };
    if (absolute.origin === server.baseUrl && this.cookies.size > 0) headers.cookie = this.cookieHeader();
    const response = await fetch(absolute, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** Follows this server's redirects; returns the first answer that is not one, or the URL leaving the server. */
  async follow(url) {
    let current = new URL(url, server.baseUrl);
    for (let i = 0; i < 10; i++) {
      const response = await this.get(current);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { response, url: current };
      const next = new URL(location, current);
      if (next.origin !== server.baseUrl) return { response, url: next };
      current = next;
    }
    throw new Error('too many redirects');
  }

  /** Signs in on the hosted login page (password form); resolves with where the page sent the browser. */
  async signIn(loginPage, user) {
    const html = await loginPage.text();
    const form = /<form id="password-login"[\s\S]*?<\/form>/.exec(html)?.[0];
    assert.ok(form, 'the login page has the password form');
    const fields = new URLSearchParams();
    for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields.set(m[1], decodeHtml(m[2]));
    fields.set('account', user.email);
    fields.set('password', PASSWORD);
    const posted = await this.send('/login/password', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fields.toString(),
    });
    assert.equal(posted.status, 303, `the login form answers 303, got ${posted.status}: ${(await posted.text()).slice(0, 300)}`);
    return this.follow(posted.headers.get('location'));
  }
}

const decodeHtml = (s) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/** A browser that signed in through the CAS login URL; resolves with the service ticket it came back with. */
async function casLogin(user, service = SERVICE, browser = new Browser()) {
  const url = casClient().buildAuthorizeUrl({ service: encodeURIComponent(service) });
  assert.equal(url, `${server.baseUrl}/cas-idp/${casAppId}?service=${encodeURIComponent(service)}`);
  let { response, url: at } = await browser.follow(url);
  if (at.origin === server.baseUrl) {
    assert.equal(at.pathname, '/login', 'a browser without session is sent to the hosted login page');
    ({ url: at } = await browser.signIn(response, user));
  }
  assert.equal(`${at.origin}${at.pathname}`, service, 'back to the service');
  const ticket = at.searchParams.get('ticket');
  assert.match(ticket, /^ST-[A-Za-z0-9_-]{40,250}$/);
  return { ticket, browser };
}

describe('CAS identity provider', () => {
  it('logs in through the hosted page, then validateTicketV1 / V2 (XML and JSON) validate a ticket once each', async () => {
    const user = await registerUser();
    const client = casClient();
    const { ticket, browser } = await casLogin(user);
    const v1 = await sdkCall(client.validateTicketV1(ticket, SERVICE), 'validateTicketV1');
    assert.deepEqual(v1, { valid: true });
    const replayed = await sdkCall(client.validateTicketV1(ticket, SERVICE), 'validateTicketV1 replayed');
    assert.equal(replayed.valid, false, 'a ticket is single-use');

    // The SSO session is reused: the second login needs no password.
    const { ticket: xmlTicket } = await casLogin(user, SERVICE, browser);
    assert.notEqual(xmlTicket, ticket);
    const xml = await sdkCall(client.validateTicketV2(xmlTicket, SERVICE, 'XML'), 'validateTicketV2 XML');
    assert.equal(typeof xml, 'string');
    assert.match(xml, /^<cas:serviceResponse xmlns:cas="http:\/\/www.yale.edu\/tp\/cas">/);
    assert.ok(xml.includes(`<cas:user>${user.id}</cas:user>`), xml);

    const { ticket: jsonTicket } = await casLogin(user, SERVICE, browser);
    const json = await sdkCall(client.validateTicketV2(jsonTicket, SERVICE), 'validateTicketV2 JSON');
    assert.equal(json.serviceResponse.authenticationSuccess.user, user.id);
    assert.equal(json.serviceResponse.authenticationSuccess.attributes.email, user.email);
    const again = await sdkCall(client.validateTicketV2(jsonTicket, SERVICE), 'validateTicketV2 replayed');
    assert.equal(again.serviceResponse.authenticationFailure.code, 'INVALID_TICKET');
  });

  it('binds a ticket to its service and its app, and never redirects to an unregistered service', async () => {
    const user = await registerUser();
    const { ticket, browser } = await casLogin(user);
    const other = await sdkCall(casClient().validateTicketV2(ticket, OTHER_SERVICE), 'validateTicketV2 other service');
    assert.equal(other.serviceResponse.authenticationFailure.code, 'INVALID_SERVICE');
    const spent = await sdkCall(casClient().validateTicketV2(ticket, SERVICE), 'validateTicketV2 after INVALID_SERVICE');
    assert.equal(spent.serviceResponse.authenticationFailure.code, 'INVALID_TICKET');

    // Another app's validation endpoint doesn't know this app's tickets.
    const { ticket: second } = await casLogin(user, SERVICE, browser);
    const elsewhere = await sdkCall(casClient(server.appId).validateTicketV2(second, SERVICE), 'validateTicketV2 at another app');
    assert.equal(elsewhere.serviceResponse.authenticationFailure.code, 'INVALID_TICKET');

    const unregistered = await browser.get(`/cas-idp/${casAppId}?service=${encodeURIComponent('https://evil.example/steal')}`);
    assert.equal(unregistered.status, 400);
    assert.equal(unregistered.headers.get('location'), null, 'no redirect to an unregistered service');
  });

  it('trackSession answers the SSO session and its user, null without; buildLogoutUrl ends it', async () => {
    const user = await registerUser();
    const { browser } = await casLogin(user);
    const client = casClient();
    // Node's axios sends no browser cookies: hand it this browser's, as a browser would send them.
    client.naiveHttpClient.axios.defaults.headers.common.Cookie = browser.cookieHeader();
    const tracked = await sdkCall(client.trackSession(), 'trackSession');
    assert.equal(tracked.userInfo.id, user.id);
    assert.equal(tracked.userInfo.email, user.email);
    assert.equal(tracked.session.cookie.userId, user.id);
    assert.equal(await sdkCall(casClient().trackSession(), 'trackSession without cookies'), null);

    const logoutUrl = client.buildLogoutUrl({ redirectUri: SERVICE });
    assert.equal(logoutUrl, `${server.baseUrl}/cas-idp/logout?url=${SERVICE}`);
    const out = await browser.get(logoutUrl);
    assert.equal(out.status, 302);
    assert.equal(out.headers.get('location'), SERVICE, 'a registered URL is where logout continues');
    client.naiveHttpClient.axios.defaults.headers.common.Cookie = browser.cookieHeader();
    assert.equal(await sdkCall(client.trackSession(), 'trackSession after logout'), null);
    const evil = await new Browser().get(`/cas-idp/logout?url=${encodeURIComponent('https://evil.example/')}`);
    assert.equal(evil.headers.get('location'), null, 'logout never redirects to an unregistered URL');
  });
});

/** signinByCredentials throws Error(JSON of the v3 answer); its apiCode and message. */
async function v3Error(promise, what) {
  try {
    const value = await promise;
    assert.fail(`${what}: expected an error, got ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    const body = JSON.parse(error.message);
    return { apiCode: body.apiCode, message: body.message, statusCode: body.statusCode };
  }
}

describe('signinByCredentials (POST /api/v3/signin)', () => {
  const byEmail = (email, password) => ({ connection: 'PASSWORD', passwordPayload: { email, password }, options: {} });

  it('signs in by email, username, phone or account; the token works for getCurrentUser', async () => {
    const user = await registerUser();
    for (const payload of [{ email: user.email }, { account: user.email }]) {
      const result = await sdkCall(newClient().signinByCredentials({ connection: 'PASSWORD', passwordPayload: { ...payload, password: PASSWORD }, options: {} }),
        `signinByCredentials ${Object.keys(payload)[0]}`);
      assert.equal(result.token_type, 'Bearer');
      assert.ok(result.access_token && result.id_token);
      assert.ok(result.expire_in > 0);
      const client = newClient();
      client.setToken(result.access_token);
      const me = await sdkCall(client.getCurrentUser(), 'getCurrentUser with the v3 token');
      assert.equal(me.id, user.id);
    }
    const username = unique('v3user');
    await newClient().registerByUsername(username, PASSWORD);
    const byName = await sdkCall(newClient().signinByCredentials({ connection: 'PASSWORD', passwordPayload: { username, password: PASSWORD }, options: {} }),
      'signinByCredentials username');
    assert.ok(byName.access_token);
  });

  it('answers an unknown account and a wrong password alike (2333)', async () => {
    const user = await registerUser();
    const wrong = await v3Error(newClient().signinByCredentials(byEmail(user.email, 'Wr0ng-password-here')), 'wrong password');
    const unknown = await v3Error(newClient().signinByCredentials(byEmail(`${unique('nobody.')}@example.com`, 'Wr0ng-password-here')), 'unknown');
    assert.equal(wrong.apiCode, 2333);
    assert.deepEqual(unknown, wrong);
    const bad = await v3Error(newClient().signinByCredentials({ connection: 'SMOKE', options: {} }), 'unknown connection');
    assert.equal(bad.apiCode, 400);
    const code = await v3Error(newClient().signinByCredentials({ ...byEmail(user.email, PASSWORD), options: { responseType: 'code' } }), 'responseType code');
    assert.equal(code.apiCode, 2651);
  });

  it('shares the password throttle with loginByEmail: guesses on either lock both', async () => {
    const user = await registerUser();
    for (let i = 0; i < 3; i++) await sdkError(newClient().loginByEmail(user.email, `Wr0ng-password-${i}`), 2333, 'v2 guess');
    for (let i = 0; i < 3; i++) {
      const guess = await v3Error(newClient().signinByCredentials(byEmail(user.email, `Wr0ng-passw0rd-${i}`)), 'v3 guess');
      assert.ok([2333, 2058].includes(guess.apiCode), `a guess answers 2333 or 2058, got ${guess.apiCode}`);
    }
    const locked = await v3Error(newClient().signinByCredentials(byEmail(user.email, PASSWORD)), 'v3 right password while locked');
    assert.equal(locked.apiCode, 2058);
    await sdkError(newClient().loginByEmail(user.email, PASSWORD), 2058, 'v2 right password while locked');
  });
});

describe('face MFA', () => {
  it('answers 2651 (not supported by this server), never a 404', async () => {
    const client = newClient();
    await sdkError(client.mfa.associateFaceByUrl({ baseFace: 'https://x.example/a.jpg', compareFace: 'https://x.example/b.jpg', mfaToken: 'x' }),
      2651, 'associateFaceByUrl');
    await sdkError(client.mfa.verifyFaceMfa('https://x.example/a.jpg', 'x'), 2651, 'verifyFaceMfa');
  });
});
