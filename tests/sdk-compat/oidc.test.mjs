// Issue 11's proof with real node relying parties, against a real GenAuth server:
// - the certified openid-client (public client, code + PKCE: discovery, hosted login page in Chromium, code
//   exchange, refresh, userinfo, introspection, revocation, RP-initiated logout; then a machine-to-machine app:
//   client credentials, introspection, revocation);
// - authing-js-sdk@4.23.55's OIDC calls: buildAuthorizeUrl, getAccessTokenByCode, getUserInfoByAccessToken,
//   introspectToken, validateToken, revokeToken, buildLogoutUrl.
// The browser is Debian's Chromium driven by playwright-core (no browser download); the relying party's redirect
// URIs are served by a small HTTP server of this test on loopback, which hands each URL it receives to the test.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { AuthenticationClient } from 'authing-js-sdk';
import * as oidc from 'openid-client';
import { chromium } from 'playwright-core';
import { unique } from './sdk-assert.mjs';
import { startServer } from './server.mjs';

const PASSWORD = 'Sdk-oidc-Passw0rd';
let CALLBACK;
let LOGGED_OUT;
let rp;
let rpVisits = [];

let server;
let browser;
let adminToken;

before(async () => {
  // The relying party's redirect endpoints: every visit is recorded (and awaited through rpVisit()).
  rp = http.createServer((req, res) => {
    const url = new URL(req.url, CALLBACK);
    const waiter = rpVisits.shift();
    waiter?.(url);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('rp');
  });
  await new Promise((resolve) => rp.listen(0, '127.0.0.1', resolve));
  CALLBACK = `http://127.0.0.1:${rp.address().port}/callback`;
  LOGGED_OUT = `http://127.0.0.1:${rp.address().port}/logged-out`;
  server = await startServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
  const token = await graphql(
    'query($p: String!, $s: String!) { accessToken(userPoolId: $p, secret: $s) { accessToken } }',
    { p: server.userPoolId, s: server.secret },
  );
  adminToken = token.accessToken.accessToken;
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rp?.close();
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

/** An app of the pool as an OIDC client; `secret` is shown once (null for public clients). */
async function createApp(name, extra = '') {
  const data = await graphql(
    `mutation($r: [String!], $l: [String!]) { createApplication(name: "${name}", redirectUris: $r, postLogoutRedirectUris: $l ${extra}) { id secret } }`,
    { r: [CALLBACK], l: [LOGGED_OUT] },
    adminToken,
  );
  return data.createApplication;
}

async function registerUser() {
  const email = unique('oidc') + '@example.com';
  const auth = new AuthenticationClient({ appId: server.appId, userPoolId: server.userPoolId, appHost: server.baseUrl, lang: 'en-US' });
  const user = await auth.registerByEmail(email, PASSWORD);
  return { id: user.id, email };
}

/** The next URL the relying party's server receives. */
function rpVisit() {
  return new Promise((resolve) => rpVisits.push(resolve));
}

/** A fresh browser profile; `callback()` is the next URL the relying party receives. */
async function newBrowserContext() {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  return { context, page, callback: rpVisit };
}

/** Opens an authorization URL, signs in on the hosted login page, resolves with the relying party's callback URL. */
async function signInThroughHostedPage(session, authorizeUrl, user) {
  const arrived = session.callback();
  await session.page.goto(authorizeUrl);
  const login = new URL(session.page.url());
  assert.equal(login.origin, server.baseUrl);
  assert.equal(login.pathname, '/login');
  await session.page.fill('form#password-login input[name=account]', user.email);
  await session.page.fill('form#password-login input[name=password]', PASSWORD);
  await session.page.click('form#password-login button[type=submit]');
  return withTimeout(arrived, 'the relying party callback');
}

function withTimeout(promise, what, ms = 30_000) {
  return Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms).unref()),
  ]);
}

describe('openid-client (certified) as a public client with code + PKCE', () => {
  it('discovers, signs in through the hosted page, exchanges, refreshes, reads userinfo, introspects, revokes and logs out', async () => {
    const app = await createApp('openid-client SPA', ', tokenEndpointAuthMethod: "none"');
    const user = await registerUser();
    const issuer = new URL(`${server.baseUrl}/oidc`);
    const config = await oidc.discovery(issuer, app.id, { token_endpoint_auth_method: 'none' }, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    assert.equal(config.serverMetadata().issuer, issuer.href);

    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const authorizeUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid profile email offline_access',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const session = await newBrowserContext();
    try {
      const callback = await signInThroughHostedPage(session, authorizeUrl.href, user);

      // Code exchange: openid-client checks state, PKCE, the id token's signature (JWKS), iss, aud, nonce.
      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      assert.equal(claims.sub, user.id);
      assert.equal(claims.email, user.email);
      assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');

      // Refresh: a new pair, and the used refresh token is spent.
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
      assert.ok(refreshed.access_token);
      assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
      assert.equal(refreshed.claims()?.sub ?? user.id, user.id);

      const info = await oidc.fetchUserInfo(config, refreshed.access_token, user.id);
      assert.equal(info.sub, user.id);
      assert.equal(info.email, user.email);

      const introspected = await oidc.tokenIntrospection(config, refreshed.access_token);
      assert.equal(introspected.active, true);
      assert.equal(introspected.sub, user.id);
      assert.equal(introspected.client_id, app.id);

      // RFC 7009: revoking the refresh token ends it; refreshing with it is invalid_grant.
      await oidc.tokenRevocation(config, refreshed.refresh_token, { token_type_hint: 'refresh_token' });
      await assert.rejects(oidc.refreshTokenGrant(config, refreshed.refresh_token), (error) => {
        assert.equal(error.error, 'invalid_grant');
        return true;
      });

      // RP-initiated logout, then a new authorization request asks to log in again.
      const logoutState = oidc.randomState();
      const endSession = oidc.buildEndSessionUrl(config, {
        id_token_hint: tokens.id_token,
        post_logout_redirect_uri: LOGGED_OUT,
        state: logoutState,
      });
      const loggedOut = session.callback();
      await session.page.goto(endSession.href);
      const back = await withTimeout(loggedOut, 'the post-logout redirect');
      assert.equal(`${back.origin}${back.pathname}`, LOGGED_OUT);
      assert.equal(back.searchParams.get('state'), logoutState);
      await session.page.goto(authorizeUrl.href);
      assert.equal(new URL(session.page.url()).pathname, '/login');
    } finally {
      await session.context.close();
    }
  });
});

describe('openid-client with a machine-to-machine app', () => {
  it('gets a client-credentials token, introspects it and revokes it', async () => {
    const app = await createApp('openid-client M2M', ', grantTypes: ["client_credentials"]');
    assert.ok(app.secret);
    const config = await oidc.discovery(new URL(`${server.baseUrl}/oidc`), app.id, app.secret, oidc.ClientSecretBasic(app.secret), {
      execute: [oidc.allowInsecureRequests],
    });
    const tokens = await oidc.clientCredentialsGrant(config);
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    const active = await oidc.tokenIntrospection(config, tokens.access_token);
    assert.equal(active.active, true);
    assert.equal(active.client_id, app.id);
    assert.equal(active.sub, app.id);

    await oidc.tokenRevocation(config, tokens.access_token);
    const inactive = await oidc.tokenIntrospection(config, tokens.access_token);
    assert.equal(inactive.active, false);

    // A wrong secret is invalid_client (RFC 6749 5.2).
    const wrong = await oidc.discovery(new URL(`${server.baseUrl}/oidc`), app.id, undefined, oidc.ClientSecretBasic('wrong'), {
      execute: [oidc.allowInsecureRequests],
    });
    await assert.rejects(oidc.clientCredentialsGrant(wrong), (error) => {
      // 401 with a WWW-Authenticate challenge (client_secret_basic): openid-client surfaces the challenge.
      assert.equal(error.status, 401);
      assert.equal(error.cause?.[0]?.parameters?.error, 'invalid_client');
      return true;
    });
  });
});

describe('authing-js-sdk OIDC calls', () => {
  it('buildAuthorizeUrl → hosted page → getAccessTokenByCode → userinfo, introspect, validate, revoke, buildLogoutUrl', async () => {
    const app = await createApp('SDK web app', ', tokenEndpointAuthMethod: "client_secret_post"');
    const user = await registerUser();
    const auth = new AuthenticationClient({
      appId: app.id,
      secret: app.secret,
      appHost: server.baseUrl,
      redirectUri: CALLBACK,
      protocol: 'oidc',
      tokenEndPointAuthMethod: 'client_secret_post',
      introspectionEndPointAuthMethod: 'client_secret_post',
      revocationEndPointAuthMethod: 'client_secret_post',
      lang: 'en-US',
    });

    const authorizeUrl = auth.buildAuthorizeUrl({ scope: 'openid profile email', state: 'sdk-state', nonce: 'sdk-nonce' });
    assert.ok(authorizeUrl.startsWith(`${server.baseUrl}/oidc/auth?`));
    const session = await newBrowserContext();
    try {
      const callback = await signInThroughHostedPage(session, authorizeUrl, user);
      assert.equal(callback.searchParams.get('state'), 'sdk-state');

      const tokens = await auth.getAccessTokenByCode(callback.searchParams.get('code'));
      assert.ok(tokens.access_token && tokens.id_token, JSON.stringify(tokens));
      const idClaims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString());
      assert.equal(idClaims.nonce, 'sdk-nonce');
      assert.equal(idClaims.sub, user.id);

      const info = await auth.getUserInfoByAccessToken(tokens.access_token);
      assert.equal(info.sub, user.id);
      assert.equal(info.email, user.email);

      const introspected = await auth.introspectToken(tokens.access_token);
      assert.equal(introspected.active, true);
      assert.equal(introspected.sub, user.id);

      const validAccess = await auth.validateToken({ accessToken: tokens.access_token });
      assert.equal(validAccess.sub, user.id);
      const validId = await auth.validateToken({ idToken: tokens.id_token });
      assert.equal(validId.sub, user.id);
      assert.equal(validId.aud, app.id);

      await auth.revokeToken(tokens.access_token);
      assert.equal((await auth.introspectToken(tokens.access_token)).active, false);

      const logoutUrl = auth.buildLogoutUrl({ expert: true, idToken: tokens.id_token, redirectUri: LOGGED_OUT });
      assert.ok(logoutUrl.startsWith(`${server.baseUrl}/oidc/session/end?id_token_hint=`));
      const loggedOut = session.callback();
      await session.page.goto(logoutUrl);
      const back = await withTimeout(loggedOut, 'the post-logout redirect');
      assert.equal(`${back.origin}${back.pathname}`, LOGGED_OUT);
      await session.page.goto(authorizeUrl);
      assert.equal(new URL(session.page.url()).pathname, '/login');
    } finally {
      await session.context.close();
    }
  });
});
