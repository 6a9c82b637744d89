import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { repoRoot } from '../core/paths.js'

/** How the CLI starts from where the tests run: the built entry point, or the source through tsx. */
const CLI = fileURLToPath(import.meta.url).startsWith(join(repoRoot, 'dist'))
  ? [join(repoRoot, 'bin', 'mamori.js')]
  : ['--import', import.meta.resolve('tsx'), join(repoRoot, 'src', 'cli', 'main.ts')]

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  cwd?: string
  /** Added to this process's environment. */
  env?: Record<string, string>
  /** The child is killed (SIGKILL) past this, so a hung command fails its test instead of hanging it. */
  timeoutMs?: number
  /** Polled every 100 ms; when it says true the child gets SIGINT, as a user's Ctrl-C. */
  interruptWhen?: () => Promise<boolean>
  /** What `interruptWhen` sends: SIGINT (Ctrl-C, the default) or SIGKILL (a crash, a power cut). */
  interruptWith?: 'SIGINT' | 'SIGKILL'
}

/**
 * Runs `mamori args` as a child process, asynchronously: a lab or peer in the test's own process
 * must keep answering while the command runs.
 */
export function runCli(args: readonly string[], o: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, ...args], {
      cwd: o.cwd ?? repoRoot,
      env: { ...process.env, ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const killer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 120_000)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    const when = o.interruptWhen
    const poller = when
      ? setInterval(async () => {
          if (await when()) {
            clearInterval(poller)
            child.kill(o.interruptWith ?? 'SIGINT')
          }
        }, 100)
      : undefined
    child.once('close', (code) => {
      clearTimeout(killer)
      clearInterval(poller)
      resolve({ code, stdout, stderr })
    })
  })
}
