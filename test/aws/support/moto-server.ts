import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/**
 * Starts moto's server mode (the AWS API emulator) on a free loopback port for the integration
 * suite (`npm run test:aws`). Moto answers the real SDK clients with AWS's own error codes, quotas
 * and policy validation, which `aws-sdk-client-mock` cannot: a mock only returns what a test says.
 */

/** Said when moto is missing: the suite fails, it is never skipped. */
export const MOTO_MISSING = [
  'moto is not installed, and the AWS integration suite (npm run test:aws) needs its server mode.',
  'Install it with:  pip install "moto[server]"   (moto 5; it provides the moto_server command)',
].join('\n');

export interface MotoServer {
  /** `http://127.0.0.1:<port>`: what AWS_ENDPOINT_URL is set to. */
  readonly endpoint: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** How to run moto's server here: `moto_server`, or `python3 -m moto.server`; undefined when neither works. */
export function motoCommand(env: NodeJS.ProcessEnv = process.env): { command: string; args: string[] } | undefined {
  const candidates = [
    { command: 'moto_server', args: [] },
    { command: 'python3', args: ['-m', 'moto.server'] },
  ];
  return candidates.find(
    ({ command, args }) => spawnSync(command, [...args, '--help'], { env, stdio: 'ignore', timeout: 30_000 }).status === 0,
  );
}

/**
 * Starts moto on 127.0.0.1 with an ephemeral port (`-p 0`) and resolves once it answers.
 * @throws Error with {@link MOTO_MISSING} when moto is not installed, or moto's own output when it
 *   does not start within `timeoutMs`.
 */
export async function startMotoServer(options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<MotoServer> {
  const env = { ...process.env, ...options.env };
  const found = motoCommand(env);
  if (!found) throw new Error(MOTO_MISSING);
  const child = spawn(found.command, [...found.args, '-H', '127.0.0.1', '-p', '0'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`moto_server did not start within ${options.timeoutMs ?? 30_000} ms:\n${output}`));
    }, options.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // Werkzeug prints the address it bound: " * Running on http://127.0.0.1:40123".
      const match = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`moto_server exited with code ${code} before it was ready:\n${output}`));
    });
  });
  // Keep draining its request log so that the pipe never fills and blocks the server. With
  // MOTO_LOG=<file>, the log (and any traceback behind a 500) is appended there for debugging.
  child.stderr?.removeAllListeners('data');
  child.stdout?.removeAllListeners('data');
  if (process.env.MOTO_LOG) {
    const log = createWriteStream(process.env.MOTO_LOG, { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  } else {
    child.stdout?.resume();
    child.stderr?.resume();
  }
  await waitUntilAnswering(endpoint);
  return {
    endpoint,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

async function waitUntilAnswering(endpoint: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server at ${endpoint} does not answer`);
}
