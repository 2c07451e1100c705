// Starts a real GenAuth server as a child process for the SDK tests: its own
// free loopback port, its own fresh data directory, preset bootstrap ids and
// secret, and a guaranteed kill at the end (also when a test or the start fails).
//
// Which server runs:
//   GENAUTH_SERVER_DLL set -> `dotnet <dll> --urls ...` (what the xunit wrapper
//                             passes: the GenAuth.Server.dll beside the test assembly)
//   otherwise              -> `dotnet run --project <repo>/src/GenAuth.Server --no-build ...`
// GENAUTH_SERVER_LOG=1 streams the server's output live (it is always kept in
// memory and printed when the server fails to start).

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const HEALTH_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
const LOG_LIMIT = 200_000;

/** A random 24-hex id, the shape GenAuth uses for pools, apps and users. */
export function hexId(bytes = 12) {
  return randomBytes(bytes).toString('hex');
}

/** Asks the kernel for a free loopback port by listening on port 0. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function serverCommand(url) {
  // `dotnet test` and `dotnet run` export the host they run on: use the same one.
  const dotnet = process.env.DOTNET_HOST_PATH || 'dotnet';
  const dll = process.env.GENAUTH_SERVER_DLL;
  if (dll) {
    // The content root is the working directory: run beside the DLL so its
    // appsettings.json (copied next to it) is the one that is read.
    return { command: dotnet, args: [dll, '--urls', url], cwd: path.dirname(dll) };
  }
  const project = path.join(repoRoot, 'src', 'GenAuth.Server');
  // --no-launch-profile: launchSettings.json would otherwise set the
  // Development environment and its own URL; both modes should run alike.
  return {
    command: dotnet,
    args: ['run', '--project', project, '--no-build', '--no-launch-profile', '--', '--urls', url],
    cwd: project,
  };
}

/**
 * Starts the server and resolves once GET /healthz answers 200.
 * `options.command`/`options.args`/`options.cwd` replace the dotnet command
 * (used to check this harness against a stand-in process).
 */
export async function startServer(options = {}) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const userPoolId = hexId();
  const appId = hexId();
  const secret = hexId(16);
  const dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'genauth-sdk-compat-'));

  const spec = options.command
    ? { command: options.command, args: options.args ?? [], cwd: options.cwd ?? repoRoot }
    : serverCommand(baseUrl);

  const env = {
    ...process.env,
    GenAuth__DataDirectory: dataDirectory,
    GenAuth__Bootstrap__UserPoolId: userPoolId,
    GenAuth__Bootstrap__AppId: appId,
    GenAuth__Bootstrap__Secret: secret,
    GENAUTH_TEST_PORT: String(port),
    DOTNET_NOLOGO: '1',
    DOTNET_CLI_TELEMETRY_OPTOUT: '1',
  };
  // The caller's own ASP.NET settings must not redirect the server elsewhere.
  delete env.ASPNETCORE_URLS;
  delete env.ASPNETCORE_HTTP_PORTS;

  // detached: the child leads its own process group, so `dotnet run` and the
  // server it launches are stopped together by signalling the group.
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let log = '';
  const live = process.env.GENAUTH_SERVER_LOG === '1';
  const collect = (chunk) => {
    const text = chunk.toString();
    log = (log + text).slice(-LOG_LIMIT);
    if (live) process.stderr.write(text.replace(/^(?=.)/gm, '[server] '));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  let exited = null;
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  const spawnError = new Promise((resolve) =>
    child.once('error', (error) => {
      // A process that never started has no exit to wait for.
      exited ??= { code: null, signal: null, error };
      resolve(error);
    }),
  );

  // Last resort: whatever way this test process ends, the server goes with it.
  const killGroup = (signal) => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const onExit = () => {
    killGroup('SIGKILL');
    if (process.env.GENAUTH_KEEP_DATA !== '1') rmSync(dataDirectory, { recursive: true, force: true });
  };
  const onSignal = (signal) => {
    onExit();
    process.exit(128 + (os.constants.signals[signal] ?? 1));
  };
  process.on('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), STOP_GRACE_MS);
      await exit;
      clearTimeout(timer);
      // `dotnet run` may exit before the server it started: make sure the
      // rest of the group is gone too.
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // nothing left
      }
    }
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (process.env.GENAUTH_KEEP_DATA !== '1') {
      await rm(dataDirectory, { recursive: true, force: true });
    }
  };

  const server = {
    baseUrl,
    port,
    userPoolId,
    appId,
    secret,
    dataDirectory,
    pid: child.pid,
    log: () => log,
    exited: () => exited,
    stop,
  };

  try {
    await waitForHealth(baseUrl, exit, spawnError);
  } catch (error) {
    await stop();
    const command = [spec.command, ...spec.args].join(' ');
    error.message += `\ncommand: ${command}\n--- server output (tail) ---\n${log.slice(-20_000)}`;
    throw error;
  }
  return server;
}

async function waitForHealth(baseUrl, exit, spawnError) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const outcome = await Promise.race([
      probe(`${baseUrl}/healthz`).then((status) => ({ status })),
      exit.then((e) => ({ exited: e })),
      spawnError.then((error) => ({ error })),
    ]);
    if (outcome.error) throw new Error(`could not start the server: ${outcome.error.message}`);
    if (outcome.exited) {
      const { code, signal } = outcome.exited;
      throw new Error(`the server exited before it was healthy (code ${code}, signal ${signal})`);
    }
    if (outcome.status === 200) return;
    last = String(outcome.status);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`GET ${baseUrl}/healthz did not answer 200 within ${HEALTH_TIMEOUT_MS / 1000} s (last: ${last})`);
}

async function probe(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    return error.cause?.code ?? error.name;
  }
}
