import { setTimeout as sleep } from 'node:timers/promises'
import { MamoriError } from '../../core/errors.js'

/** At most `requests` requests in any `windowMs` (NVD: 5 per 30 s, 50 with an API key). */
export class RateLimiter {
  readonly #times: number[] = []
  constructor(
    readonly requests: number,
    readonly windowMs: number,
  ) {}

  async take(): Promise<void> {
    for (;;) {
      const now = Date.now()
      while (this.#times.length && now - (this.#times[0] as number) >= this.windowMs) this.#times.shift()
      if (this.#times.length < this.requests) {
        this.#times.push(now)
        return
      }
      await sleep(this.windowMs - (now - (this.#times[0] as number)) + 1)
    }
  }
}

export interface FetcherOptions {
  fetchImpl?: typeof fetch
  headers?: Record<string, string>
  rate?: RateLimiter
  /** Retries after 403/429/5xx and network errors. */
  maxRetries?: number
  /** First back-off; doubles each retry, capped at 60 s; a Retry-After header wins. */
  backoffMs?: number
  timeoutMs?: number
  onRetry?: (msg: string) => void
}

/**
 * GETs with the politeness online sources ask for: a rate limit shared by all requests, and
 * back-off on 403 (NVD's answer when the rate limit is exceeded), 429 and 503, honouring
 * Retry-After. Other 4xx are errors at once (ERR_VULN_SYNC) with the server's message.
 */
export class HttpFetcher {
  readonly #o: Required<Omit<FetcherOptions, 'rate' | 'onRetry'>> & Pick<FetcherOptions, 'rate' | 'onRetry'>
  constructor(opts: FetcherOptions = {}) {
    this.#o = {
      fetchImpl: opts.fetchImpl ?? fetch,
      headers: opts.headers ?? {},
      maxRetries: opts.maxRetries ?? 5,
      backoffMs: opts.backoffMs ?? 6000,
      timeoutMs: opts.timeoutMs ?? 120_000,
      rate: opts.rate,
      onRetry: opts.onRetry,
    }
  }

  async get(url: string): Promise<Response> {
    const o = this.#o
    let delay = o.backoffMs
    for (let attempt = 0; ; attempt++) {
      await o.rate?.take()
      let res: Response | undefined
      let failure: string
      try {
        res = await o.fetchImpl(url, { headers: o.headers, signal: AbortSignal.timeout(o.timeoutMs) })
        if (res.ok) return res
        const body = (await res.text().catch(() => '')).slice(0, 300).replace(/\s+/g, ' ')
        failure = `HTTP ${res.status}${res.headers.get('message') ? ` ${res.headers.get('message')}` : ''}${body ? `: ${body}` : ''}`
        if (![403, 429, 500, 502, 503, 504].includes(res.status)) {
          throw new MamoriError('ERR_VULN_SYNC', `${redact(url)}: ${failure}`)
        }
      } catch (err) {
        if (err instanceof MamoriError) throw err
        failure = (err as Error).message
      }
      if (attempt >= o.maxRetries) {
        throw new MamoriError(
          'ERR_VULN_SYNC',
          `${redact(url)}: ${failure} (gave up after ${attempt + 1} attempts)`,
        )
      }
      const retryAfter = Number(res?.headers.get('retry-after'))
      const wait =
        Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 120_000) : delay
      o.onRetry?.(`${failure}; retrying in ${Math.round(wait / 100) / 10} s`)
      await sleep(wait)
      delay = Math.min(delay * 2, 60_000)
    }
  }
}

/** URLs are shown without query values that could be keys. */
function redact(url: string): string {
  return url.replace(/([?&](?:apiKey|api_key|key)=)[^&]*/gi, '$1…')
}
