// Issue 13's pipeline proof with the official SDK: the function documents of authing-js-sdk@4.23.55
// (createFunction, updateFunction, deleteFunction, function, functions) sent as the SDK sends them through
// its own GraphQL client with its management token, the UserPoolManagementClient env calls
// (listEnv, addEnv, removeEnv), and the two examples of GenAuth's docs (seed 003) working as written:
// an email-domain refusal at registration, and user.addToken for a custom id-token claim.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRequire } from 'node:module';
import { AuthenticationClient, ManagementClient } from 'authing-js-sdk';
import { sdkCall, sdkError, unique } from './sdk-assert.mjs';
import { startServer } from './server.mjs';

const require = createRequire(import.meta.url);
const docs = require('authing-js-sdk/build/main/types/graphql.v2.js');

const PASSWORD = 'Sdk-compat-Passw0rd';

// Seed 003, verbatim.
const DOMAIN_CHECK = `async function pipe(user, context, callback) {
const { email } = context.request.body;
// Non-email registration method
if (!email) {
return callback(null, user, context);
}
if (!email.endsWith("example.com")) {
return callback(new Error("Access denied."));
}
return callback(null, user, context);
}`;

const ADD_TOKEN = `async function pipe(user, context, callback) {
user.addToken('KEY', 'VALUE')
callback(null, user, context)
}`;

let server;
let management;

before(async () => {
  server = await startServer();
  management = new ManagementClient({ userPoolId: server.userPoolId, secret: server.secret, host: server.baseUrl, lang: 'en-US' });
});

after(async () => {
  await server?.stop();
});

async function gql(query, variables) {
  const token = await management.tokenProvider.getToken();
  return management.graphqlClient.request({ query, variables, token });
}

function claims(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

describe('pipeline functions through the SDK documents', () => {
  it('creates, reads, lists, updates and deletes a function', async () => {
    const name = unique('fn');
    const created = (await sdkCall(gql(docs.CreateFunctionDocument, {
      input: { name, sourceCode: ADD_TOKEN, description: 'claims', url: 'https://example.com/fn' },
    }), 'createFunction')).createFunction;
    assert.equal(created.name, name);
    assert.equal(created.sourceCode, ADD_TOKEN);
    assert.equal(created.url, 'https://example.com/fn');

    const read = (await gql(docs.FunctionDocument, { id: created.id })).function;
    assert.equal(read.id, created.id);
    const list = (await gql(docs.FunctionsDocument, { page: 1, limit: 10, sortBy: 'CREATEDAT_DESC' })).functions;
    assert.ok(list.totalCount >= 1);
    assert.ok(list.list.some((f) => f.id === created.id));

    const updated = (await gql(docs.UpdateFunctionDocument, { input: { id: created.id, description: 'changed' } })).updateFunction;
    assert.equal(updated.description, 'changed');
    assert.equal(updated.sourceCode, ADD_TOKEN);

    // A login now carries the claim (the function is enabled, POST_AUTHENTICATION by default).
    const email = `${unique('fnclaim')}@example.com`;
    const auth = new AuthenticationClient({ appId: server.appId, userPoolId: server.userPoolId, appHost: server.baseUrl, lang: 'en-US' });
    await sdkCall(auth.registerByEmail(email, PASSWORD), 'registerByEmail');
    const user = await sdkCall(auth.loginByEmail(email, PASSWORD), 'loginByEmail');
    assert.equal(claims(user.token).KEY, 'VALUE');

    const deleted = (await gql(docs.DeleteFunctionDocument, { id: created.id })).deleteFunction;
    assert.equal(deleted.code, 200);
    assert.equal((await gql(docs.FunctionDocument, { id: created.id })).function, null);
    await sdkError(gql(docs.DeleteFunctionDocument, { id: created.id }), 2960, 'deleteFunction of a deleted function');
    const again = await sdkCall(auth.loginByEmail(email, PASSWORD), 'loginByEmail after delete');
    assert.equal(claims(again.token).KEY, undefined);
  });

  it("refuses a registration outside the domain with the function's message (seed 003)", async () => {
    const created = (await gql(`mutation($input: CreateFunctionInput!) { createFunction(input: $input) { id trigger } }`, {
      input: { name: unique('domain'), sourceCode: DOMAIN_CHECK, trigger: 'PRE_REGISTER' },
    })).createFunction;
    assert.equal(created.trigger, 'PRE_REGISTER');
    try {
      const auth = new AuthenticationClient({ appId: server.appId, userPoolId: server.userPoolId, appHost: server.baseUrl, lang: 'en-US' });
      const refused = await sdkError(auth.registerByEmail(`${unique('out')}@elsewhere.org`, PASSWORD), 2962, 'registerByEmail outside');
      assert.equal(refused.message, 'Access denied.');
      await sdkCall(auth.registerByEmail(`${unique('in')}@example.com`, PASSWORD), 'registerByEmail inside');
      await sdkCall(auth.registerByUsername(unique('nomail'), PASSWORD), 'registerByUsername (no email)');
    } finally {
      await gql(docs.DeleteFunctionDocument, { id: created.id });
    }
  });
});

describe('UserPoolManagementClient env', () => {
  it('adds, lists and removes environment variables', async () => {
    const key = `K_${unique('env').toUpperCase()}`;
    const added = await sdkCall(management.userpool.addEnv(key, 'hook-value'), 'userpool.addEnv');
    assert.ok(added.some((e) => e.key === key && e.value === 'hook-value'));
    const listed = await sdkCall(management.userpool.listEnv(), 'userpool.listEnv');
    assert.ok(listed.some((e) => e.key === key && e.value === 'hook-value'));
    await sdkError(management.userpool.addEnv('1-bad key', 'x'), 2964, 'userpool.addEnv with a bad key');
    const removed = await sdkCall(management.userpool.removeEnv(key), 'userpool.removeEnv');
    assert.ok(!removed.some((e) => e.key === key));
  });
});
