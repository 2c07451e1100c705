// Assertions over what the official SDK returns and throws.
//
// How the SDK reports failures (authing-js-sdk 4.23.55, lib/common/GraphqlClient.ts):
// for a GraphQL response with `errors`, it reads `errors[i].message` as an object
// `{ code, message, data }` (the legacy shape our server sends when the request
// carries x-authing-sdk-version) and throws that plain object, not an Error.
// A non-2xx HTTP status is thrown as `{ code: axiosCode || status }` instead, so
// GraphQL errors must come with HTTP 200 for the SDK to see their code.

import assert from 'node:assert/strict';

export function unique(prefix) {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** Awaits an SDK call that must fail with one of `codes`; returns the SDK's error. */
export async function sdkError(promise, codes, what) {
  const expected = [].concat(codes);
  let thrown;
  try {
    const value = await promise;
    assert.fail(`${what}: expected an error with code ${expected.join(' or ')}, got a result: ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    thrown = error;
  }
  assert.ok(
    thrown !== null && typeof thrown === 'object' && expected.includes(thrown.code),
    `${what}: expected code ${expected.join(' or ')}, the SDK threw ${describeThrown(thrown)}` +
      (thrown?.code === undefined
        ? ' (code undefined: errors[].message must be an object { code, message, data } for SDK requests)'
        : ''),
  );
  assert.equal(typeof thrown.message, 'string', `${what}: the error's message should be a string`);
  return thrown;
}

export function describeThrown(thrown) {
  // axios errors (non-2xx answers, connection failures) print pages of
  // request internals: keep what a reader needs.
  if (thrown?.isAxiosError || thrown?.name === 'AxiosError') {
    const { config = {}, response } = thrown;
    const where = `${(config.method ?? '?').toUpperCase()} ${config.url ?? '?'}`;
    if (!response) return `${where} failed: ${thrown.message}`;
    let body = response.data;
    if (typeof body !== 'string') body = JSON.stringify(body);
    return `${where} answered HTTP ${response.status}: ${String(body ?? '').slice(0, 500)}`;
  }
  if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`;
  try {
    return JSON.stringify(thrown);
  } catch {
    return String(thrown);
  }
}

/** Awaits an SDK call that must succeed; a failure is reported in one line. */
export async function sdkCall(promise, what) {
  try {
    return await promise;
  } catch (error) {
    assert.fail(`${what} failed: ${describeThrown(error)}`);
  }
}

export function assertJwt(token, what) {
  assert.equal(typeof token, 'string', `${what}: token should be a string, got ${JSON.stringify(token)}`);
  const parts = token.split('.');
  assert.equal(parts.length, 3, `${what}: token should be a JWT (3 dot-separated parts)`);
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
}
