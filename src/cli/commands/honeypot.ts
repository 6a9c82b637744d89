import { hostname } from 'node:os'
import type { Command } from 'commander'
import { MamoriError } from '../../core/errors.js'
import { jsonLine } from '../../core/escape.js'
import { parseAccept } from '../../honeypot/accept-spec.js'
import { loadProfile } from '../../honeypot/device-profile.js'
import { EventRecorder } from '../../honeypot/event-recorder.js'
import { startHoneypot } from '../../honeypot/honeypot-server.js'
import { parseListen } from '../../honeypot/listen-spec.js'
import { LoginPolicy } from '../../honeypot/login-policy.js'
import { DEFAULT_LIMITS } from '../../honeypot/session-limits.js'
import { defaultStoreSpec, intOption } from '../../store/open-store.js'
import { sourcesTable } from '../../store/sensors/sources-table.js'
import { openSensorStore } from '../../store/sensors/sql-sensor-store.js'

export function registerHoneypotCommand(program: Command): void {
  const cmd = program
    .command('honeypot')
    .enablePositionalOptions()
    .description(
      'run a Mirai-aware telnet honeypot until SIGINT/SIGTERM (nothing sent to it is run or fetched)',
    )
    .option('--listen <address:ports...>', 'IPv4 address and ports, e.g. 127.90.0.1:23,2323')
    .option(
      '--db <store>',
      'also store sessions, events and per-source families (SQLite file or postgres:// URL)',
    )
    .option('--out <file>', 'append Cowrie-format events as JSON lines')
    .option(
      '--profile <id|file>',
      'device to pretend to be: dvr-arm7, router-mips or a profile file',
      'dvr-arm7',
    )
    .option('--sensor <name>', "the events' sensor field", hostname())
    .option('--accept <pairs>', 'weak pairs that log in: "mirai" (its table) or user:pass,...', 'mirai')
    .option('--accept-after <n>', 'failed logins a source needs before a weak pair works', '0')
    .option('--max-sessions <n>', 'sessions at once', '4096')
    .option('--max-per-source <n>', 'sessions at once from one address', '128')
    .option('--session-timeout <s>', 'longest session, seconds', String(DEFAULT_LIMITS.sessionMs / 1000))
    .option('--idle-timeout <s>', 'longest silence, seconds', String(DEFAULT_LIMITS.idleMs / 1000))
    .option('--max-bytes <n>', 'bytes a session may send', String(DEFAULT_LIMITS.bytesIn))
    .option('--max-commands <n>', 'shell lines per session', String(DEFAULT_LIMITS.commands))
    .option('--json', 'print the ready line and the final summary as JSON')
    .action(async (opts) => {
      if (!opts.listen) throw new MamoriError('ERR_USAGE', 'honeypot needs --listen ADDRESS:PORT[,PORT...]')
      const listen = parseListen(opts.listen)
      const profile = loadProfile(opts.profile)
      const limits = {
        ...DEFAULT_LIMITS,
        sessionMs: intOption('--session-timeout', opts.sessionTimeout, 86_400) * 1000,
        idleMs: intOption('--idle-timeout', opts.idleTimeout, 86_400) * 1000,
        bytesIn: intOption('--max-bytes', opts.maxBytes, 1 << 30),
        commands: intOption('--max-commands', opts.maxCommands, 1_000_000),
      }
      const policy = new LoginPolicy(
        parseAccept(opts.accept),
        intOption('--accept-after', opts.acceptAfter, 1000),
      )
      const store = opts.db ? await openSensorStore(opts.db) : undefined
      const recorder = new EventRecorder({ outFile: opts.out, store })
      let onSignal = () => {}
      const stopped = new Promise<void>((resolve) => {
        onSignal = () => resolve()
        process.once('SIGINT', onSignal)
        process.once('SIGTERM', onSignal)
      })
      const failed = new Promise<void>((resolve) => {
        const t = setInterval(() => {
          if (recorder.failure) {
            clearInterval(t)
            resolve()
          }
        }, 200)
        void stopped.then(() => clearInterval(t))
      })
      try {
        const hp = await startHoneypot({
          listen,
          profile,
          sensor: opts.sensor,
          policy,
          limits,
          maxSessions: intOption('--max-sessions', opts.maxSessions, 1_000_000),
          maxPerSource: intOption('--max-per-source', opts.maxPerSource, 1_000_000),
          emit: (e) => recorder.emit(e),
          onClosed: (s) => recorder.sessionClosed(s),
        })
        const where = hp.addresses.map((a) => `${a.host}:${a.port}`)
        process.stdout.write(
          opts.json
            ? jsonLine({ event: 'ready', listen: where, profile: profile.id })
            : `honeypot ready on ${where.join(' ')} as ${profile.id}\n`,
        )
        await Promise.race([stopped, failed])
        await hp.close()
      } finally {
        process.off('SIGINT', onSignal)
        process.off('SIGTERM', onSignal)
        await recorder.close()
        await store?.close()
      }
      if (recorder.failure) throw recorder.failure
      const families = Object.fromEntries(recorder.counts.families)
      const summary = {
        event: 'stopped',
        sessions: recorder.counts.sessions,
        events: recorder.counts.events,
        families,
      }
      process.stdout.write(
        opts.json
          ? jsonLine(summary)
          : `honeypot stopped: ${summary.sessions} sessions, ${summary.events} events; ${
              Object.entries(families)
                .map(([f, n]) => `${f} ${n}`)
                .join(', ') || 'no sessions'
            }\n`,
      )
    })

  cmd
    .command('sources')
    .description('source addresses the honeypot saw, with their family, confidence and deciding features')
    .option('--db <store>', 'SQLite file or postgres:// URL (default $MAMORI_DB or ./mamori.db)')
    .option('--json', 'one JSON object per source')
    .action(async (opts) => {
      const store = await openSensorStore(opts.db ?? defaultStoreSpec())
      try {
        const rows = await store.sources({ kind: 'honeypot' })
        process.stdout.write(
          opts.json
            ? rows.map((r) => jsonLine(r)).join('')
            : sourcesTable(rows, process.stdout.isTTY === true),
        )
      } finally {
        await store.close()
      }
    })
}
