// The baseline of the load tool's --oidc scenario: npm oidc-provider (OpenID-certified) configured for the grants the
// benchmark measures on GenAuth's token endpoint, on a loopback port:
//   - client credentials: confidential client `m2m` (client_secret_basic), one resource scope, RS256 JWT access tokens
//     (GenAuth's are RS256 JWTs too; oidc-provider's default would be opaque tokens);
//   - authorization code: confidential client `web` (client_secret_basic) with PKCE S256, scope `openid email`,
//     id token (RS256) + JWT access token.
// Codes for the exchange benchmark are minted in-process (GET /bench/codes?n=N&challenge=…) as the authorization
// endpoint would after a login, so only the exchange at POST /token is measured, as on GenAuth's side.
// Usage: PORT=… M2M_SECRET=… WEB_SECRET=… node provider.mjs  (prints "ready <issuer>" when listening)
// Storage is oidc-provider's in-memory adapter (GenAuth writes SQLite: the comparison favours oidc-provider there).

import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const CALLBACK = 'https://rp.example/callback';
const RESOURCE = 'urn:genauth:bench';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'bench' };

const provider = new Provider(issuer, {
  jwks: { keys: [jwk] },
  clients: [
    {
      client_id: 'm2m',
      client_secret: process.env.M2M_SECRET,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      client_id: 'web',
      client_secret: process.env.WEB_SECRET,
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: [CALLBACK],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api:read',
        accessTokenFormat: 'jwt',
        accessTokenTTL: 3600,
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  findAccount: async (_ctx, sub) => ({
    accountId: sub,
    claims: async () => ({ sub, email: `${sub}@example.com`, email_verified: true }),
  }),
});
provider.proxy = false;

async function mintCodes(n, challenge) {
  const client = await provider.Client.find('web');
  const grant = new provider.Grant({ accountId: 'bench-user', clientId: 'web' });
  grant.addOIDCScope('openid email');
  grant.addResourceScope(RESOURCE, 'api:read');
  const grantId = await grant.save();
  const codes = [];
  for (let i = 0; i < n; i++) {
    const code = new provider.AuthorizationCode({
      client,
      accountId: 'bench-user',
      grantId,
      scope: 'openid email api:read',
      resource: RESOURCE,
      redirectUri: CALLBACK,
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      authTime: Math.floor(Date.now() / 1000),
      expiresIn: 600,
    });
    codes.push(await code.save());
  }
  return codes;
}

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, issuer);
  if (url.pathname === '/healthz') {
    res.end('ok');
    return;
  }
  if (url.pathname === '/bench/codes') {
    const codes = await mintCodes(Number(url.searchParams.get('n') ?? '1'), url.searchParams.get('challenge'));
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(codes));
    return;
  }
  callback(req, res);
});
server.keepAliveTimeout = 300_000;
server.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
