import { setTimeout as sleep } from 'node:timers/promises'
import { Connection, type ConnectionLimits } from '../core/connection.js'
import type { Credential } from '../core/credential.js'
import type { LoginContext, LoginOutcome, LoginVerdict, LoginVerifier } from '../core/login-verifier.js'
import type { AuditResult, ScanRecord } from '../core/record.js'
import type { AttemptBudget } from './attempt-budget.js'

/** Verdicts that say nothing yet: the device may answer if asked again after a wait. */
const ASK_AGAIN: ReadonlySet<LoginVerdict> = new Set(['dropped', 'busy'])

export interface AttemptEvent {
  ip: string
  port: number
  protocol: string
  entry: string
  username: string
  verdict: LoginVerdict
  reason: string
}

export interface AuditRunOptions {
  limits: ConnectionLimits
  budget?: AttemptBudget | undefined
  signal?: AbortSignal | undefined
  onAttempt?: ((event: AttemptEvent) => void) | undefined
}

export type Attempted = { outcome: LoginOutcome; started: Date } | { stopped: AuditResult }

/**
 * The state of one service's audit: the verifier's hint, the counts a record reports (`tried`
 * dictionary entries, `attempts` the device judged), the kinds of refusal real wrong passwords got,
 * and the attempt itself: a fresh framework connection per try, asked again after a wait while the
 * device drops the connection or says it is busy, each try taken from the scan's budget.
 */
export class AuditRun {
  tried = 0
  attempts = 0
  /** How this device refused the dictionary's wrong pairs (`text:login incorrect`, `http:401 basic`). */
  readonly refusals = new Set<string>()
  hint: unknown

  constructor(
    readonly record: ScanRecord,
    readonly verifier: LoginVerifier<unknown>,
    private readonly options: AuditRunOptions,
  ) {
    this.hint = record.data[record.protocol]
  }

  /** A result that carries this run's counts. */
  result(result: Omit<AuditResult, 'tried' | 'attempts'>): AuditResult {
    return { ...result, tried: this.tried, attempts: this.attempts }
  }

  /** Runs `work` with a context whose connections are closed when it ends. */
  async withContext<T>(work: (ctx: LoginContext<unknown>) => Promise<T>): Promise<T> {
    const { record } = this
    const target = { ip: record.ip, port: record.port, transport: record.transport }
    const opened: Connection[] = []
    const ctx: LoginContext<unknown> = {
      target,
      hint: this.hint,
      fingerprint: record.fingerprint,
      limits: this.options.limits,
      open: async () => {
        const conn = await Connection.open(target, this.options.limits)
        opened.push(conn)
        return conn
      },
    }
    try {
      return await work(ctx)
    } finally {
      for (const c of opened) c.close()
    }
  }

  /**
   * One credential: tried, and tried again after each of `waits` (ms) while the device drops the
   * connection or is busy. Stops with a result when the scan is interrupted or its budget is spent.
   */
  async attempt(credential: Credential, waits: readonly number[]): Promise<Attempted> {
    for (let i = 0; ; i++) {
      if (this.options.signal?.aborted) return this.stop('the scan was interrupted')
      if (this.options.budget && !this.options.budget.take())
        return this.stop('the scan attempt budget is spent')
      const started = new Date()
      const outcome = await this.withContext((ctx) => this.verifier.login(ctx, credential))
      if (outcome.credentialSent) this.attempts++
      this.options.onAttempt?.({
        ip: this.record.ip,
        port: this.record.port,
        protocol: this.record.protocol,
        entry: credential.id,
        username: credential.username,
        verdict: outcome.verdict,
        reason: outcome.reason,
      })
      const wait = waits[i]
      if (!ASK_AGAIN.has(outcome.verdict) || wait === undefined) return { outcome, started }
      await sleep(wait, undefined, this.options.signal ? { signal: this.options.signal } : undefined).catch(
        () => {},
      )
    }
  }

  private stop(reason: string): Attempted {
    return { stopped: this.result({ result: 'unknown', evidence: { reason } }) }
  }
}
