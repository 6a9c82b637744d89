import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../../src/core/paths.js'

/** A `mamori honeypot` child (the built CLI) with its address and memory readings. */
export interface HoneypotProcess {
  child: ChildProcess
  host: string
  port: number
  /** Resident memory now and at its peak (VmHWM), in MB. */
  memory(): { rssMb: number; peakMb: number }
  /** CPU seconds used so far (user + system). */
  cpuSeconds(): number
  /** SIGTERM, then the final summary line it printed. */
  stop(): Promise<Record<string, unknown>>
}

export async function startHoneypotProcess(args: readonly string[]): Promise<HoneypotProcess> {
  const bin = join(repoRoot, 'bin', 'mamori.js')
  if (!existsSync(join(repoRoot, 'dist', 'src', 'cli', 'main.js'))) throw new Error('run npm run build first')
  const child = spawn(process.execPath, [bin, 'honeypot', '--json', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout?.on('data', (d) => {
    out += d
  })
  await new Promise<void>((resolve, reject) => {
    const t = setInterval(() => {
      if (out.includes('\n')) {
        clearInterval(t)
        resolve()
      }
    }, 20)
    child.once('exit', (code) => reject(new Error(`honeypot exited with ${code} before ready`)))
  })
  const ready = JSON.parse(out.split('\n')[0] as string) as { listen: string[] }
  const [host, port] = (ready.listen[0] as string).split(':') as [string, string]
  const status = (field: string) =>
    Number(
      new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0,
    ) / 1024
  return {
    child,
    host,
    port: Number(port),
    memory: () => ({ rssMb: status('VmRSS'), peakMb: status('VmHWM') }),
    cpuSeconds: () => {
      const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
      return (Number(f[11]) + Number(f[12])) / 100
    },
    stop: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGTERM')
      await exited
      return JSON.parse(out.trim().split('\n').pop() as string)
    },
  }
}

/** Cowrie events of a JSONL file, counted by event id and by close reason. */
export function countEvents(file: string): {
  byId: Map<string, number>
  reasons: Map<string, number>
  sessions: Set<string>
} {
  const byId = new Map<string, number>()
  const reasons = new Map<string, number>()
  const sessions = new Set<string>()
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue
    const e = JSON.parse(line) as { eventid: string; reason?: string; session: string }
    byId.set(e.eventid, (byId.get(e.eventid) ?? 0) + 1)
    if (e.eventid === 'cowrie.session.closed')
      reasons.set(e.reason ?? '', (reasons.get(e.reason ?? '') ?? 0) + 1)
    sessions.add(e.session)
  }
  return { byId, reasons, sessions }
}
