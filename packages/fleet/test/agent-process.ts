import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = `${ROOT}packages/cli/dist/bin.js`;

export { buildCli } from '../../../test-support/cli-build.js';

export interface AgentProcess {
  readonly child: ChildProcess;
  /** The "serving …" line, once the agent has subscribed every terminal. */
  readonly ready: Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  /** Resolves once stderr matches (for a stop sent at a chosen moment of the start). */
  stderrMatches(pattern: RegExp): Promise<void>;
}

/** `bluechip agent --config <file>` as a child process, the way a store runs it. */
export function spawnAgent(configFile: string, config: unknown): AgentProcess {
  writeFileSync(configFile, JSON.stringify(config));
  const child = spawn(process.execPath, [CLI, 'agent', '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiting = new Set<{ pattern: RegExp; resolve: () => void }>();
  child.stderr?.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString()).slice(-32_000);
    for (const wait of waiting) {
      if (wait.pattern.test(err)) {
        waiting.delete(wait);
        wait.resolve();
      }
    }
  });
  const stderrMatches = (pattern: RegExp) =>
    pattern.test(err)
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          waiting.add({ pattern, resolve });
          child.once('exit', () =>
            reject(new Error(`agent exited before stderr matched ${pattern}: ${err}`)),
          );
        });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent not ready in 60 s: ${err}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0] ?? '';
      if (out.includes('\n') && line.startsWith('serving')) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`agent exited (${code ?? signal}) before serving: ${err}`));
    });
  });
  ready.catch(() => undefined);
  return { child, ready, exited, stderr: () => err, stderrMatches };
}

/** SIGKILL, no goodbye: what a power cut or the OOM killer does. */
export async function killHard(agent: AgentProcess): Promise<void> {
  if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGKILL');
  await agent.exited;
}
