import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A real daemon started by a test: stopped by its PID, its scratch folder removed. */
export interface Daemon {
  readonly pid: number
  readonly dir: string
  /** What the daemon wrote on stderr/stdout (for failure messages). */
  output(): string
  stop(): Promise<void>
}

export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `mamori-proto-${prefix}-`))
}

/** Spawns `command` in the foreground mode the caller chose (never daemonised: we keep its PID). */
export function startDaemon(command: string, args: string[], dir: string): Daemon {
  const child: ChildProcess = spawn(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.on('data', (c: Buffer) => {
    out = (out + c.toString()).slice(-4000)
  })
  child.stderr?.on('data', (c: Buffer) => {
    out = (out + c.toString()).slice(-4000)
  })
  if (child.pid === undefined) throw new Error(`${command} did not start`)
  const pid = child.pid
  return {
    pid,
    dir,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true })
          resolve()
        }
        if (child.exitCode !== null || child.signalCode !== null) return done()
        child.once('exit', done)
        process.kill(pid, 'SIGTERM')
        setTimeout(() => {
          if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL')
        }, 2000).unref()
      }),
  }
}

/** Resolves once a TCP port accepts connections, or rejects after `ms` (bounded polling). */
export async function waitForTcp(ip: string, port: number, ms = 5000): Promise<void> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: ip, port })
      s.once('connect', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`${ip}:${port} did not open within ${ms} ms`)
}

/** Whether a binary is installed (tests skip, saying so, when a Debian package is missing). */
export function have(binary: string): boolean {
  return ['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((d) => existsSync(join(d, binary)))
}
