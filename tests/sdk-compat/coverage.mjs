// SDK coverage: how much of authing-js-sdk@4.23.55 this server can answer (issue 15's measurement). Run on demand:
//
//   dotnet build -v q && node tests/sdk-compat/coverage.mjs [--routes FILE] [--markdown] [--missing]
//
// - GraphQL: every document a public SDK method sends (through lib/graphqlapi.ts or a *Document constant) is parsed
//   and validated with graphql-js `validate` against schema/schema.graphql.
// - REST: every `*.request({ method, url })` a method makes is reduced to METHOD + path template (host dropped,
//   `${x}` -> `{}`, query string dropped) and matched against the server's routes, segment by segment: a literal
//   segment needs the same literal, an SDK `${x}` needs a route parameter. A url variable assigned several paths
//   (e.g. /oidc/token or /oauth/token by protocol) matches when any of them does.
// - The routes are what ASP.NET Core's EndpointDataSource holds in the real server: tests/GenAuth.Tests
//   Compat/RouteTableTests writes them when GENAUTH_ROUTES_OUT is set; without --routes this script runs that test
//   (`dotnet test --no-build`, so build first).
// - A public method (from the SDK's .d.ts: not private/protected, not `_`-prefixed, not the constructor) works when
//   every GraphQL document and REST call it sends, also through the `this.x()` methods of its class it calls, exists.
//   A method that sends nothing (URL builders, local token parsing) counts as working.
// - Methods this server answers on purpose with 2651 "not supported by this server" (NOT_SUPPORTED below: principal
//   authentication, face MFA) are counted apart, as "answered: not supported", never as working.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, parse, validate } from 'graphql';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const sdkRoot = path.join(here, 'node_modules', 'authing-js-sdk');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);

/** Methods whose calls have routes that only ever answer 2651 (not supported by this server). */
const NOT_SUPPORTED = new Set([
  'PrincipalAuthenticationClient.detail',
  'PrincipalAuthenticationClient.authenticate',
  'PrincipalManagementClient.detail',
  'PrincipalManagementClient.authenticate',
  'MfaAuthenticationClient.associateFaceByUrl',
  'MfaAuthenticationClient.associateFaceByLocalFile',
  'MfaAuthenticationClient.associateFaceByBlob',
  'MfaAuthenticationClient.verifyFaceMfa',
]);

// ---------- routes ----------
function loadRoutes() {
  let file = option('--routes');
  if (!file) {
    file = path.join(mkdtempSync(path.join(os.tmpdir(), 'genauth-routes-')), 'routes.txt');
    execFileSync('dotnet', ['test', path.join(repoRoot, 'tests', 'GenAuth.Tests'), '--no-build', '-v', 'q',
      '--filter', 'FullyQualifiedName~RouteTableTests'], { env: { ...process.env, GENAUTH_ROUTES_OUT: file }, stdio: 'ignore' });
  }
  if (!existsSync(file)) throw new Error(`no route table at ${file} (build first: dotnet build -v q)`);
  // One line per route: "METHOD /template" (METHOD * = any).
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
    const [method, template] = line.split(' ');
    return { method, segments: splitPath(template) };
  });
}

const splitPath = (p) => p.split('/').filter(Boolean);

function routeMatches(route, method, segments) {
  if (route.method !== '*' && route.method !== method) return false;
  const rs = route.segments;
  for (let i = 0; i < Math.max(rs.length, segments.length); i++) {
    const r = rs[i];
    const s = segments[i];
    if (r === undefined) return false;
    if (/^\{\*\*?/.test(r)) return true; // catch-all
    if (s === undefined) return /^\{[^}]*\?\}$/.test(r); // optional parameter
    const rIsParam = /^\{.*\}$/.test(r);
    if (s === '{}') {
      if (!rIsParam) return false;
    } else if (rIsParam || r.toLowerCase() !== s.toLowerCase()) {
      return false;
    }
  }
  return true;
}

// ---------- SDK source ----------
const stripComments = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

function gqlFunctions() {
  const text = readFileSync(path.join(sdkRoot, 'src', 'lib', 'graphqlapi.ts'), 'utf8');
  const map = new Map();
  const re = /export const (\w+) = async[\s\S]*?const query = (\w+Document)/g;
  for (const m of text.matchAll(re)) map.set(m[1], m[2]);
  return map;
}

function gqlDocuments() {
  const text = readFileSync(path.join(sdkRoot, 'src', 'types', 'graphql.v2.ts'), 'utf8');
  const map = new Map();
  for (const m of text.matchAll(/export const (\w+Document) = `([\s\S]*?)`;/g)) map.set(m[1], m[2]);
  return map;
}

/** Public method names of a class, from its .d.ts. */
function publicMethods(dts) {
  const names = [];
  const body = dts.slice(dts.indexOf('export declare class'));
  for (const m of body.matchAll(/^ {4}(?:(static|private|protected|readonly|get|set)\s+)*(\w+)\s*(?:<[^(]*>)?\(/gm)) {
    const line = m[0];
    if (/^\s*(private|protected)\b/.test(line)) continue;
    const name = m[2];
    if (name === 'constructor' || name.startsWith('_')) continue;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** Member bodies of the class in a .ts file: name -> text up to the next member. */
function memberBodies(ts, className) {
  const start = ts.indexOf(`export class ${className}`);
  const endMatch = /^}/m.exec(ts.slice(start));
  const text = stripComments(ts.slice(start, start + endMatch.index));
  const starts = [...text.matchAll(/^ {2}(?:(?:public|private|protected|static|async|get|set)\s+)*(\w+)\s*(?:<[^(\n]*>)?\(/gm)];
  const bodies = new Map();
  starts.forEach((m, i) => {
    const end = i + 1 < starts.length ? starts[i + 1].index : text.length;
    const prev = bodies.get(m[1]) ?? '';
    bodies.set(m[1], prev + text.slice(m.index, end)); // overloads: concatenate
  });
  return bodies;
}

/** The balanced {...} starting at text[open]. */
function balanced(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open, i + 1);
  }
  return text.slice(open);
}

/** `${host}/a/${b}/c?x=${y}` or '/a/b' -> "/a/{}/c", or null when it is not a path on our server. */
function pathOf(expr) {
  expr = expr.trim();
  let s;
  if (expr.startsWith('`')) s = expr.slice(1, expr.lastIndexOf('`'));
  else if (/^['"]/.test(expr)) s = expr.slice(1, -1);
  else {
    // host + '/path' + ...
    const m = /^[\w.]+\s*\+\s*['"`]([^'"`]*)['"`]/.exec(expr);
    if (!m) return null;
    s = '${h}' + m[1];
  }
  s = s.replace(/^\$\{[^}]*\}/, ''); // the host
  if (!s.startsWith('/')) return null;
  s = s.replace(/\$\{[^}]*\}/g, '{}').split('?')[0].replace(/\/+$/, '');
  return s || '/';
}

/** REST calls of one member body: [{ method, alternatives: [path] }]. */
function restCalls(body) {
  const calls = [];
  for (const m of body.matchAll(/\.request\(\s*\{/g)) {
    const obj = balanced(body, m.index + m[0].length - 1);
    const method = /method:\s*['"](\w+)['"]/.exec(obj)?.[1]?.toUpperCase() ?? 'GET';
    const urlExpr = /url:\s*(`[^`]*`|'[^']*'|"[^"]*"|[\w.]+(?:\s*\+\s*(?:'[^']*'|"[^"]*"|`[^`]*`|[\w.]+))*)/.exec(obj)?.[1]?.trim();
    if (!urlExpr) continue;
    let alternatives;
    if (/^\w+$/.test(urlExpr)) {
      const assigned = [...body.matchAll(new RegExp(`\\b${urlExpr}\\s*=\\s*(\`[^\`]*\`|'[^']*'|"[^"]*"|[\\w.]+\\s*\\+\\s*['"\`][^'"\`]*['"\`])`, 'g'))];
      alternatives = assigned.map((a) => pathOf(a[1])).filter(Boolean);
    } else {
      alternatives = [pathOf(urlExpr)].filter(Boolean);
    }
    if (alternatives.length) calls.push({ method, alternatives: [...new Set(alternatives)] });
  }
  return calls;
}

// ---------- measure ----------
const schema = buildSchema(readFileSync(path.join(repoRoot, 'schema', 'schema.graphql'), 'utf8'));
const routes = loadRoutes();
const functions = gqlFunctions();
const documents = gqlDocuments();
const docValid = new Map();
function validDocument(name) {
  if (!docValid.has(name)) {
    let errors;
    try {
      errors = validate(schema, parse(documents.get(name)));
    } catch (e) {
      errors = [e];
    }
    docValid.set(name, errors.length === 0 ? true : errors.map((e) => e.message).join('; '));
  }
  return docValid.get(name) === true;
}
const restSeen = new Map(); // "METHOD path" -> ok
function restOk(call) {
  const ok = call.alternatives.some((p) => routes.some((r) => routeMatches(r, call.method, splitPath(p))));
  restSeen.set(`${call.method} ${call.alternatives.join(' | ')}`, ok);
  return ok;
}

const classes = [];
for (const dir of ['authentication', 'management']) {
  const srcDir = path.join(sdkRoot, 'src', 'lib', dir);
  for (const file of readdirSync(srcDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && !f.endsWith('.d.ts'))) {
    const ts = readFileSync(path.join(srcDir, file), 'utf8');
    const dtsFile = path.join(sdkRoot, 'build', 'main', 'lib', dir, file.replace(/\.ts$/, '.d.ts'));
    for (const cm of ts.matchAll(/export class (\w+)/g)) {
      const className = cm[1];
      if (/TokenProvider$|^BaseAuthenticationClient$/.test(className)) continue;
      const methods = publicMethods(readFileSync(dtsFile, 'utf8'));
      if (methods.length === 0) continue;
      classes.push({ dir, className, methods, bodies: memberBodies(ts, className) });
    }
  }
}

const rows = [];
const missing = [];
for (const c of classes) {
  const deps = (name, seen = new Set()) => {
    if (seen.has(name)) return { docs: [], calls: [] };
    seen.add(name);
    const body = c.bodies.get(name) ?? '';
    const docs = new Set();
    for (const m of body.matchAll(/\b(\w+)\s*\(/g)) if (functions.has(m[1])) docs.add(functions.get(m[1]));
    for (const m of body.matchAll(/\b(\w+Document)\b/g)) if (documents.has(m[1])) docs.add(m[1]);
    const calls = restCalls(body);
    for (const m of body.matchAll(/this\.(\w+)\s*\(/g)) {
      if (c.bodies.has(m[1]) && m[1] !== name) {
        const sub = deps(m[1], seen);
        sub.docs.forEach((d) => docs.add(d));
        calls.push(...sub.calls);
      }
    }
    return { docs: [...docs], calls };
  };
  let working = 0;
  let unsupported = 0;
  for (const method of c.methods) {
    const { docs, calls } = deps(method);
    const badDocs = docs.filter((d) => !validDocument(d));
    const badCalls = calls.filter((call) => !restOk(call));
    if (badDocs.length === 0 && badCalls.length === 0) {
      if (NOT_SUPPORTED.has(`${c.className}.${method}`)) unsupported++;
      else working++;
    } else missing.push(`${c.className}.${method}: ${[...badDocs, ...badCalls.map((x) => `${x.method} ${x.alternatives.join(' | ')}`)].join(', ')}`);
  }
  const label = c.dir === 'authentication' && c.className === 'BrowserFingerprintClient' ? 'BrowserFingerprintClient (auth)' : c.className;
  rows.push({ label, working, unsupported, total: c.methods.length });
}

rows.sort((a, b) => a.label.localeCompare(b.label));
const total = rows.reduce((s, r) => s + r.total, 0);
const works = rows.reduce((s, r) => s + r.working, 0);
const unsupportedTotal = rows.reduce((s, r) => s + r.unsupported, 0);
const docsUsed = [...docValid.keys()];
const docsOk = docsUsed.filter((d) => docValid.get(d) === true).length;
const restOkCount = [...restSeen.values()].filter(Boolean).length;

const lines = [];
lines.push('| SDK client class | methods that can work | answered: not supported |', '| --- | --- | --- |');
for (const r of rows) lines.push(`| ${r.label} | ${r.working} of ${r.total} | ${r.unsupported || ''} |`);
lines.push(`| **total** | **${works} of ${total}** | **${unsupportedTotal}** |`);
lines.push('');
lines.push(`GraphQL documents sent by public methods that validate: ${docsOk} of ${docsUsed.length}. ` +
  `Distinct REST calls with a route: ${restOkCount} of ${restSeen.size}.`);
console.log(lines.join('\n'));
if (flag('--missing')) {
  console.log('\nMethods that cannot work (what is missing):');
  for (const m of missing) console.log(`- ${m}`);
  console.log('\nInvalid documents:');
  for (const [d, v] of docValid) if (v !== true) console.log(`- ${d}: ${v}`);
}
