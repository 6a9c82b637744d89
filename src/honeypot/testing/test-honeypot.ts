import { loadDictionaries } from '../../audit/dictionaries.js'
import type { CowrieEvent } from '../cowrie-event.js'
import { loadProfile } from '../device-profile.js'
import { type RunningHoneypot, startHoneypot } from '../honeypot-server.js'
import { LoginPolicy } from '../login-policy.js'
import { DEFAULT_LIMITS, type SessionLimits } from '../session-limits.js'
import type { SessionSummary } from '../session-summary.js'

export interface TestHoneypot {
  honeypot: RunningHoneypot
  host: string
  port: number
  events: CowrieEvent[]
  summaries: SessionSummary[]
  /** The first closed session from `srcIp` (each test connects from an address of its own). */
  sessionFrom(srcIp: string, timeoutMs?: number): Promise<SessionSummary>
}

/** A honeypot on `host`, port chosen by the system, accepting the Mirai table, events kept in memory. */
export async function startTestHoneypot(
  host: string,
  o: { limits?: Partial<SessionLimits>; acceptAfter?: number; profile?: string; maxPerSource?: number } = {},
): Promise<TestHoneypot> {
  const events: CowrieEvent[] = []
  const summaries: SessionSummary[] = []
  const waiters: (() => void)[] = []
  const honeypot = await startHoneypot({
    listen: [{ host, port: 0 }],
    profile: loadProfile(o.profile ?? 'dvr-arm7'),
    sensor: 'test-sensor',
    policy: new LoginPolicy(loadDictionaries().mirai, o.acceptAfter ?? 0),
    limits: { ...DEFAULT_LIMITS, failDelayMs: 20, ...o.limits },
    ...(o.maxPerSource ? { maxPerSource: o.maxPerSource } : {}),
    emit: (e) => events.push(e),
    onClosed: (s) => {
      summaries.push(s)
      for (const w of waiters.splice(0)) w()
    },
  })
  const port = honeypot.addresses[0]?.port as number
  return {
    honeypot,
    host,
    port,
    events,
    summaries,
    sessionFrom: async (srcIp, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const found = summaries.find((s) => s.src_ip === srcIp)
        if (found) return found
        if (Date.now() > deadline) throw new Error(`no session from ${srcIp} closed`)
        await new Promise<void>((resolve) => {
          waiters.push(resolve)
          setTimeout(resolve, 100)
        })
      }
    },
  }
}
