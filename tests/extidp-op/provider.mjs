// A real external OpenID provider for GenAuth's identity-source tests: npm oidc-provider (OpenID-certified) on a loopback
// port, with one confidential client for GenAuth (client_secret_basic, code + PKCE) and oidc-provider's own dev login
// and consent pages (any password; the login name is the subject). Accounts follow a naming convention so a test can
// make any user: "<name>~<email>~<1|0>" has that email, verified (1) or not (0).
// Test controls (loopback only, for abuse cases the certified provider would never produce on its own):
//   POST /test/mode?m=wrong-aud|expired|unsigned|bad-nonce|bad-sig|error  re-mints (or refuses) the NEXT token response
//   POST /test/gh-user?id=&login=&email=&name=                             the user the GitHub-shaped server signs in next
// A GitHub-shaped OAuth 2.0 server lives under /gh: /gh/login/oauth/authorize (auto-approves the test's user),
// /gh/login/oauth/access_token, /gh/user (GitHub's /user JSON: numeric id, login, name, email, avatar_url).
// Preset shapes: client "genauth-post" (client_secret_post, as Apple wants; any response mode incl. form_post) and
// "genauth-line" (client_secret_post, id tokens HS256 with the client secret, as LINE signs them); a Facebook-shaped
// (/fb), a Feishu-shaped (/feishu) and a Gitee-shaped (/gitee) OAuth 2.0 server that take the client secret only in the
// token request's form; client "genauth-ms" gets Microsoft-shaped id tokens (tid, iss = {issuer}/ms/{tid}/v2.0) and
// /ms/{tenant}/v2.0/.well-known/openid-configuration is a Microsoft-shaped discovery document (POST /test/mode?m=ms-other-tenant:
// the next token's iss names another tenant than its tid).
// Usage: PORT=… CLIENT_SECRET=… REDIRECT_URIS=uri1,uri2 node provider.mjs   (prints "ready <issuer>")

import { generateKeyPairSync, randomBytes, createHash } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';
import { SignJWT, importJWK } from 'jose';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const secret = process.env.CLIENT_SECRET;
const redirectUris = (process.env.REDIRECT_URIS ?? '').split(',').filter(Boolean);

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'op-key' };
const { privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherJwk = { ...otherKey.export({ format: 'jwk' }), alg: 'RS256', kid: 'op-key' };

const provider = new Provider(issuer, {
  jwks: { keys: [jwk] },
  clients: [{
    client_id: 'genauth',
    client_secret: secret,
    grant_types: ['authorization_code'],
    redirect_uris: redirectUris,
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }, {
    client_id: 'genauth-post',
    client_secret: secret,
    grant_types: ['authorization_code'],
    redirect_uris: redirectUris,
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }, {
    client_id: 'genauth-line',
    client_secret: secret,
    grant_types: ['authorization_code'],
    redirect_uris: redirectUris,
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'HS256',
  }, {
    client_id: 'genauth-ms',
    client_secret: secret,
    grant_types: ['authorization_code'],
    redirect_uris: redirectUris,
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  enabledJWA: { idTokenSigningAlgValues: ['RS256', 'HS256'] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'nickname'] },
  findAccount: async (_ctx, sub) => ({
    accountId: sub,
    claims: async () => {
      const [name, email, verified] = sub.split('~');
      return { sub, name, nickname: name, ...(email ? { email, email_verified: verified === '1' } : {}) };
    },
  }),
});
provider.proxy = false;

let mode = null;
const msTenant = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const otherTenant = '9188040d-6c67-4c5b-b112-36a304b66dad';
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
provider.use(async (ctx, next) => {
  if (ctx.path === '/token' && mode === 'error') {
    mode = null;
    ctx.status = 400;
    ctx.body = { error: 'invalid_grant', error_description: 'refused by the test' };
    return;
  }
  // oidc-provider lets a client_secret_post client authenticate with a Basic header too; the form-only providers
  // (Apple, LINE, Slack, LinkedIn) don't, so these clients refuse it.
  const basicUser = /^Basic /i.test(ctx.headers.authorization ?? '')
    ? decodeURIComponent(Buffer.from(ctx.headers.authorization.slice(6), 'base64').toString().split(':')[0]) : null;
  if (ctx.path === '/token' && ['genauth-post', 'genauth-line'].includes(basicUser)) {
    ctx.status = 401;
    ctx.body = { error: 'invalid_client', error_description: 'client_secret must be in the form' };
    return;
  }
  await next();
  if (ctx.path !== '/token' || !ctx.body?.id_token) return;
  const claims = JSON.parse(Buffer.from(ctx.body.id_token.split('.')[1], 'base64url').toString());
  const microsoft = claims.aud === 'genauth-ms';
  if (!mode && !microsoft) return;
  const m = mode;
  mode = null;
  const now = Math.floor(Date.now() / 1000);
  if (microsoft) {
    // Microsoft-shaped: the token names its tenant (tid) and its iss is that tenant's issuer (ms-other-tenant: not).
    claims.tid = msTenant;
    claims.iss = `${issuer}/ms/${m === 'ms-other-tenant' ? otherTenant : msTenant}/v2.0`;
  }
  if (m === 'wrong-aud') claims.aud = 'someone-else';
  if (m === 'expired') { claims.iat = now - 7200; claims.exp = now - 3600; }
  if (m === 'bad-nonce') claims.nonce = 'not-the-nonce';
  if (m === 'unsigned') {
    ctx.body = { ...ctx.body, id_token: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.` };
    return;
  }
  const key = await importJWK(m === 'bad-sig' ? otherJwk : jwk, 'RS256');
  const token = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'op-key' }).sign(key);
  ctx.body = { ...ctx.body, id_token: token };
});

// ---- the GitHub-shaped OAuth 2.0 server ----
let ghUser = { id: 4242, login: 'octo', name: 'Octo Cat', email: 'octo@example.com' };
const ghCodes = new Map();
const ghTokens = new Map();

function readBody(req) {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c) => { data += c; });
    req.on('end', () => resolve(new URLSearchParams(data)));
  });
}

function json(res, status, body) {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

async function github(req, res, url) {
  if (url.pathname === '/gh/login/oauth/authorize') {
    const redirect = url.searchParams.get('redirect_uri');
    if (url.searchParams.get('client_id') !== 'gh-client' || !redirectUris.includes(redirect)) return json(res, 400, { error: 'redirect_uri' });
    const code = randomBytes(16).toString('hex');
    ghCodes.set(code, { user: ghUser, redirect, challenge: url.searchParams.get('code_challenge') });
    const back = new URL(redirect);
    back.searchParams.set('code', code);
    back.searchParams.set('state', url.searchParams.get('state'));
    res.statusCode = 302;
    res.setHeader('location', back.toString());
    return res.end();
  }
  if (url.pathname === '/gh/login/oauth/access_token' && req.method === 'POST') {
    const form = await readBody(req);
    const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
    const grant = ghCodes.get(form.get('code'));
    ghCodes.delete(form.get('code'));
    const verifier = form.get('code_verifier') ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (auth !== `gh-client:${secret}` || !grant || grant.redirect !== form.get('redirect_uri') || grant.challenge !== challenge) {
      return json(res, 200, { error: 'bad_verification_code' }); // GitHub answers errors with 200
    }
    const token = randomBytes(16).toString('hex');
    ghTokens.set(token, grant.user);
    return json(res, 200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
  }
  if (url.pathname === '/gh/user') {
    const user = ghTokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!user) return json(res, 401, { message: 'Bad credentials' });
    return json(res, 200, { ...user, avatar_url: `https://avatars.example/u/${user.id}`, type: 'User', site_admin: false });
  }
  return json(res, 404, { message: 'Not Found' });
}

// ---- Facebook- and Feishu-shaped OAuth 2.0 servers: the secret only in the form (a Basic header is refused) ----
const formCodes = new Map();
const formTokens = new Map();
const formUsers = {
  fb: { id: '10150000000000001', name: 'Face Book', email: 'fb-user@example.com', picture: { data: { url: 'https://fb.example/p.jpg' } } },
  gitee: { id: 5550001, login: 'gitee-user', name: 'Gitee User', avatar_url: 'https://gitee.example/a.png', email: 'gitee-user@example.com' },
  feishu: { sub: 'ou_sub', open_id: 'ou_open_1', union_id: 'on_union_1', name: '飞书用户', en_name: 'Feishu User', email: 'fs-user@example.com', avatar_url: 'https://fs.example/a.png' },
};

async function formSecretServer(prefix, req, res, url) {
  const clientId = `${prefix}-client`;
  if (url.pathname === `/${prefix}/authorize`) {
    const redirect = url.searchParams.get('redirect_uri');
    if (url.searchParams.get('client_id') !== clientId || !redirectUris.includes(redirect)) return json(res, 400, { error: 'redirect_uri' });
    const code = randomBytes(16).toString('hex');
    formCodes.set(code, { prefix, redirect, challenge: url.searchParams.get('code_challenge') });
    const back = new URL(redirect);
    back.searchParams.set('code', code);
    back.searchParams.set('state', url.searchParams.get('state'));
    res.statusCode = 302;
    res.setHeader('location', back.toString());
    return res.end();
  }
  if (url.pathname === `/${prefix}/token` && req.method === 'POST') {
    const form = await readBody(req);
    const grant = formCodes.get(form.get('code'));
    formCodes.delete(form.get('code'));
    const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
    if (req.headers.authorization || form.get('client_id') !== clientId || form.get('client_secret') !== secret
      || !grant || grant.prefix !== prefix || grant.redirect !== form.get('redirect_uri') || grant.challenge !== challenge) {
      return json(res, 400, { error: { message: 'client secret must be in the form', type: 'OAuthException' } });
    }
    const token = randomBytes(16).toString('hex');
    formTokens.set(token, prefix);
    return json(res, 200, { access_token: token, token_type: 'bearer', expires_in: 3600 });
  }
  if (url.pathname === `/${prefix}/me`) {
    const owner = formTokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (owner !== prefix) return json(res, 401, { error: 'invalid_token' });
    return json(res, 200, formUsers[prefix]);
  }
  return json(res, 404, { error: 'not_found' });
}

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, issuer);
  if (url.pathname === '/healthz') return res.end('ok');
  if (url.pathname === '/test/mode' && req.method === 'POST') {
    mode = url.searchParams.get('m');
    return res.end('ok');
  }
  if (url.pathname === '/test/gh-user' && req.method === 'POST') {
    ghUser = {
      id: Number(url.searchParams.get('id')), login: url.searchParams.get('login'),
      name: url.searchParams.get('name'), email: url.searchParams.get('email') || null,
    };
    return res.end('ok');
  }
  if (url.pathname.startsWith('/gh/')) return github(req, res, url);
  if (url.pathname.startsWith('/gitee/')) return formSecretServer('gitee', req, res, url);
  const ms = url.pathname.match(/^\/ms\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/);
  if (ms) {
    // Microsoft-shaped discovery: the provider's own, under {authority}/{tenant}/v2.0, with Microsoft's issuer template
    // for the multi-tenant endpoints.
    const doc = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
    const tenant = ['common', 'organizations'].includes(ms[1]) ? '{tenantid}' : ms[1];
    return json(res, 200, { ...doc, issuer: `${issuer}/ms/${tenant}/v2.0` });
  }
  if (url.pathname.startsWith('/fb/')) return formSecretServer('fb', req, res, url);
  if (url.pathname.startsWith('/feishu/')) return formSecretServer('feishu', req, res, url);
  callback(req, res);
});
server.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
