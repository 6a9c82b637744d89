import { join } from 'node:path'
import { type Command, InvalidArgumentError, Option } from 'commander'
import { MamoriError } from '../../core/errors.js'
import { jsonLine } from '../../core/escape.js'
import { DEFAULT_DISCOVERY, type EngineChoice, inflightFor } from '../../discovery/discovery.js'
import { formatDuration, formatProgress } from '../../scan/progress-line.js'
import type { ScanSummary } from '../../scan/scan-runner.js'
import { scan } from '../../scan/scan-service.js'
import { createSinks } from '../../scan/sinks.js'
import { defaultAuditLogPath } from '../../scope/audit-log.js'
import { readResumeState, type ScanSettings } from '../../targets/resume-state.js'

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value)
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`)
    }
    return n
  }
}

const collect = (value: string, previous: string[]) => [...previous, value]

interface ScanFlags {
  ports: string
  scope?: string
  exclude: string[]
  rate: number
  timeout: number
  retries: number
  maxInflight?: number
  perHost: number
  engine: EngineChoice
  threads?: number
  grabConcurrency: number
  seed?: number
  shard?: string
  resume?: string
  state?: string
  out?: string
  json?: boolean
  db?: string | true
  auditLog?: string
  dnsServer: string[]
  auditCredentials?: boolean
  auditBudget?: number
  auditMaxAttempts?: number
  auditPause?: number
  reveal?: boolean
}

export function registerScanCommand(program: Command): void {
  program
    .command('scan')
    .description('find and grab the services of in-scope targets (loopback is the default scope)')
    .argument('[targets...]', 'addresses, CIDRs, ranges (127.16.0.1-127.16.0.99), hostnames, @file')
    .option(
      '-p, --ports <spec>',
      'ports: 22,80,8000-8099, T:/U: prefixes, presets (iot, mirai, iot-udp)',
      'iot',
    )
    .option('--scope <file>', 'scope file (YAML) allowing targets beyond loopback')
    .option('--exclude <cidr|file>', 'leave these addresses out (repeatable)', collect, [])
    .option(
      '--dns-server <ip[:port]>',
      'resolve target hostnames with this DNS server (repeatable)',
      collect,
      [],
    )
    .option(
      '--rate <n>',
      'connect probes per second, all threads together',
      integer(1, 10_000_000),
      DEFAULT_DISCOVERY.rate,
    )
    .option('--timeout <ms>', 'connect timeout', integer(1, 600_000), DEFAULT_DISCOVERY.timeoutMs)
    .option(
      '--retries <n>',
      'extra tries for an unanswered connect',
      integer(0, 10),
      DEFAULT_DISCOVERY.retries,
    )
    .option(
      '--max-inflight <n>',
      'connects in flight at most (default: rate × timeout × tries, 256 to 65536)',
      integer(1, 1_000_000),
    )
    .option(
      '--per-host <n>',
      'connects in flight to one address at most',
      integer(1, 65_535),
      DEFAULT_DISCOVERY.perHostCap,
    )
    .addOption(
      new Option('--engine <name>', 'discovery engine').choices(['auto', 'js', 'native']).default('auto'),
    )
    .option('--threads <n>', 'native engine threads (default: one per core)', integer(1, 16))
    .option('--grab-concurrency <n>', 'services grabbed at once', integer(1, 100_000), 200)
    .option('--seed <n>', 'permutation seed (default: random, printed)', integer(0, 2 ** 31 - 1))
    .option('--shard <i/n>', 'walk shard i of n (0-based; needs --seed)')
    .option('--resume <state-file>', 'finish an interrupted scan from its state file')
    .option('--state <file>', 'where to save the resume state (default .mamori/scan-<id>.state.json)')
    .option('--out <file>', 'append records to FILE as JSON lines')
    .option('--json', 'records as JSON lines on stdout; summary as JSON on stderr')
    .option(
      '--db [store]',
      'store records (SQLite file or postgres:// URL; default $MAMORI_DB or ./mamori.db)',
    )
    .option('--audit-log <file>', 'audit log (default $MAMORI_AUDIT_LOG or ~/.mamori/audit.jsonl)')
    .option(
      '--audit-credentials',
      'try default credentials (loopback, or a scope with credential_audit: true)',
    )
    .option('--audit-budget <n>', 'credentials tried per service (default 100)', integer(1, 600))
    .option(
      '--audit-max-attempts <n>',
      'login attempts in the whole scan (default unlimited)',
      integer(1, 10_000_000),
    )
    .option('--audit-pause <ms>', 'pause between attempts on one device (default 100)', integer(0, 60_000))
    .option('--reveal', 'keep the working password in the records (never in logs)')
    .action(async (targets: string[], flags: ScanFlags, cmd: Command) => {
      // progress goes to stderr, but only for a person at a terminal: quiet when piped or with --json
      const resumed = flags.resume ? await resumedSettings(flags.resume, flags, cmd) : undefined
      const settings = resumed?.settings ?? settingsOf(flags)
      const tty = Boolean(process.stdout.isTTY && process.stderr.isTTY) && !settings.json
      const controller = new AbortController()
      const onSigint = () => controller.abort()
      process.once('SIGINT', onSigint)
      try {
        const summary = await scan(
          {
            targets,
            ports: flags.ports,
            exclude: flags.exclude,
            scopeFile: flags.scope,
            seed: flags.seed,
            shard: flags.shard,
            dnsServers: flags.dnsServer.length > 0 ? flags.dnsServer : undefined,
          },
          {
            discovery: {
              rate: settings.rate,
              timeoutMs: settings.timeout_ms,
              retries: settings.retries,
              maxInflight: settings.max_inflight,
              perHostCap: settings.per_host,
              engine: settings.engine,
              threads: settings.threads ?? undefined,
            },
            grabConcurrency: settings.grab_concurrency,
            auditLog: settings.audit_log,
            settings,
            sinks: () =>
              createSinks({
                out: settings.out ?? undefined,
                json: settings.json,
                db: settings.db ?? undefined,
                parameters: {
                  targets,
                  ports: flags.ports,
                  exclude: flags.exclude,
                  seed: flags.seed,
                  shard: flags.shard,
                },
                ...(resumed ? { resumedScanId: resumed.scanId } : {}),
              }),
            stateFile: (plan) =>
              flags.state ?? flags.resume ?? join('.mamori', `scan-${plan.scanId}.state.json`),
            resumeFrom: flags.resume,
            signal: controller.signal,
            ...(settings.audit
              ? {
                  audit: {
                    deviceBudget: settings.audit.budget ?? undefined,
                    maxAttempts: settings.audit.max_attempts ?? undefined,
                    pauseMs: settings.audit.pause_ms ?? undefined,
                    reveal: settings.audit.reveal,
                  },
                }
              : {}),
            onPlan: (plan) => {
              if (tty) {
                process.stderr.write(
                  `scanning ${plan.addresses.size} addresses × ${plan.space.ports.length} ports in ${plan.scope.name} (seed ${plan.request.seed}, shard ${plan.request.shard})\n`,
                )
              }
            },
            onProgress: tty ? (p) => process.stderr.write(`\r\x1b[K${formatProgress(p)}`) : undefined,
          },
        )
        if (tty) process.stderr.write('\n')
        printSummary(summary, settings)
        if (summary.interrupted) process.exitCode = 1
      } finally {
        process.removeListener('SIGINT', onSigint)
      }
    })
}

/** The options of this command line that shape the scan's traffic and output. */
function settingsOf(flags: ScanFlags): ScanSettings {
  return {
    rate: flags.rate,
    timeout_ms: flags.timeout,
    retries: flags.retries,
    max_inflight: flags.maxInflight ?? inflightFor(flags.rate, flags.timeout, flags.retries),
    per_host: flags.perHost,
    engine: flags.engine,
    threads: flags.threads ?? null,
    grab_concurrency: flags.grabConcurrency,
    audit_log: flags.auditLog ?? defaultAuditLogPath(),
    out: flags.out ?? null,
    json: flags.json === true,
    db: flags.db ?? (process.env.MAMORI_DB ? true : null),
    audit: flags.auditCredentials
      ? {
          budget: flags.auditBudget ?? null,
          max_attempts: flags.auditMaxAttempts ?? null,
          pause_ms: flags.auditPause ?? null,
          reveal: flags.reveal === true,
        }
      : null,
  }
}

/** Flags whose value is one of the settings a resumed scan keeps. */
const SETTING_FLAGS: Record<string, (s: ScanSettings) => unknown> = {
  rate: (s) => s.rate,
  timeout: (s) => s.timeout_ms,
  retries: (s) => s.retries,
  maxInflight: (s) => s.max_inflight,
  perHost: (s) => s.per_host,
  engine: (s) => s.engine,
  threads: (s) => s.threads,
  grabConcurrency: (s) => s.grab_concurrency,
  auditLog: (s) => s.audit_log,
  out: (s) => s.out,
  json: (s) => s.json,
  db: (s) => s.db,
  auditCredentials: (s) => s.audit !== null,
  auditBudget: (s) => s.audit?.budget,
  auditMaxAttempts: (s) => s.audit?.max_attempts,
  auditPause: (s) => s.audit?.pause_ms,
  reveal: (s) => s.audit?.reveal,
}

/**
 * A resumed scan sends and writes exactly as the interrupted one: its settings come from the state
 * file, and a flag given now that says otherwise is refused rather than silently ignored.
 */
async function resumedSettings(
  file: string,
  flags: ScanFlags,
  cmd: Command,
): Promise<{ settings: ScanSettings; scanId: string }> {
  const state = await readResumeState(file)
  for (const [flag, stored] of Object.entries(SETTING_FLAGS)) {
    if (cmd.getOptionValueSource(flag) !== 'cli') continue
    const given = (flags as unknown as Record<string, unknown>)[flag]
    if (given !== stored(state.settings)) {
      const name = flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
      throw new MamoriError(
        'ERR_USAGE',
        `--${name} ${given === true ? '' : given} differs from the interrupted scan's (${String(stored(state.settings))}): a resumed scan keeps every option of the scan it finishes; drop --${name}, or start a new scan`.replace(
          '  ',
          ' ',
        ),
      )
    }
  }
  return { settings: state.settings, scanId: state.scan_id }
}

function printSummary(s: ScanSummary, settings: ScanSettings): void {
  if (settings.json) {
    process.stderr.write(jsonLine({ summary: s }))
    return
  }
  const lines = [
    `scan ${s.scan_id}: ${s.probed} probed (${s.engine} engine, ${s.rate} probes/s, ${formatDuration(s.duration_ms)}, seed ${s.seed}, shard ${s.shard})`,
    `  open ${s.open}  closed ${s.closed}  filtered ${s.filtered}  errors ${s.errors}  udp ${s.udp}`,
    `  ${s.records} records${settings.out ? ` written to ${settings.out}` : ''}`,
  ]
  if (s.enrich_errors > 0) lines.push(`  ${s.enrich_errors} enricher failures (records kept)`)
  if (s.interrupted) lines.push(`  interrupted: resume with  mamori scan --resume ${s.state_file}`)
  process.stdout.write(`${lines.join('\n')}\n`)
}
