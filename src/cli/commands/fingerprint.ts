import type { Command } from 'commander'
import { boundedFile, readLines } from '../../core/bounded-input.js'
import { MamoriError } from '../../core/errors.js'
import { escapeText, jsonLine, safeJson } from '../../core/escape.js'
import type { ScanRecord } from '../../core/record.js'
import { loadConfiguredEngine, resolveSources } from '../../fingerprint/default-engine.js'
import { explainRecord } from '../../fingerprint/explain.js'
import { probeService } from '../../fingerprint/nmap/nmap-prober.js'
import { toCandidate } from '../../fingerprint/rule-set.js'
import { selfTest } from '../../fingerprint/self-test.js'

interface SourceOpts {
  recog?: string
  nmap?: string
}

const withSources = (cmd: Command) =>
  cmd
    .option('--recog <dir>', 'Rapid7 Recog xml/ folder to load too (default $MAMORI_RECOG)')
    .option(
      '--nmap <file>',
      "nmap-service-probes to load (default $MAMORI_NMAP_PROBES, else nmap's; 'off' to skip)",
    )

/** `explain` input: JSON lines, read as a bounded stream (1 MiB a line, 64 MiB in all). */
async function readRecords(path: string): Promise<ScanRecord[]> {
  const records: ScanRecord[] = []
  const input = boundedFile(path === '-' ? '/dev/stdin' : path, 64 * 1024 * 1024)
  try {
    for await (const { line, text, tooLong } of readLines(input, 1024 * 1024)) {
      if (tooLong) throw new MamoriError('ERR_USAGE', `${path}:${line}: line longer than 1 MiB`)
      if (text.trim()) records.push(parseRecord(text, `${path}:${line}`))
    }
  } catch (err) {
    if (err instanceof MamoriError) throw err
    throw new MamoriError('ERR_IO', `cannot read ${path}: ${(err as Error).message}`)
  }
  return records
}

function parseRecord(line: string, where: string): ScanRecord {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    throw new MamoriError('ERR_USAGE', `${where}: not a JSON record`)
  }
  const r = value as Partial<ScanRecord>
  if (
    !r ||
    typeof r !== 'object' ||
    typeof r.protocol !== 'string' ||
    typeof r.port !== 'number' ||
    typeof r.data !== 'object'
  )
    throw new MamoriError('ERR_USAGE', `${where}: a scan record needs protocol, port and data`)
  return { banner: '', status: 'success', ...r } as ScanRecord
}

export function registerFingerprintCommand(program: Command): void {
  const fp = program.command('fingerprint').description('run, test and explain the fingerprint rules')

  withSources(fp.command('test'))
    .description('lint mamori rules and run every example of every loaded rule database')
    .option('--json', 'print the report as JSON')
    .action((opts: SourceOpts & { json?: boolean }) => {
      const report = selfTest(resolveSources(opts))
      if (opts.json) process.stdout.write(jsonLine(report))
      else {
        const o = report.own
        const lines = [
          `mamori rules: ${o.rules} rules, ${o.passed}/${o.examples} examples pass, ${o.problems.length} problems`,
        ]
        for (const p of o.problems) lines.push(`  ${p.file}:${p.line} ${p.rule ?? ''} ${p.message}`)
        for (const f of o.failures) lines.push(`  ${f}`)
        if (report.recog) {
          const r = report.recog
          lines.push(
            `recog: ${r.rules}/${r.fingerprints} fingerprints loaded, ${r.passed}/${r.examples} examples pass, ${r.rejected.length} rejected`,
          )
          for (const p of [...r.rejected, ...r.problems]) lines.push(`  ${p.file}:${p.line} ${p.message}`)
          for (const f of r.failures) lines.push(`  ${f}`)
        }
        if (report.nmap) {
          const n = report.nmap
          lines.push(
            `nmap: ${n.probes} probes, ${n.loaded}/${n.matchLines} match lines loaded, ${n.rejected.length} rejected`,
          )
          for (const p of [...n.rejected, ...n.problems]) lines.push(`  ${p.file}:${p.line} ${p.message}`)
        }
        process.stdout.write(`${lines.join('\n')}\n`)
      }
      if (!report.ok) process.exitCode = 1
    })

  withSources(fp.command('explain'))
    .description('show which rules match the records in FILE (JSON lines, - for stdin) and why')
    .argument('<file>', 'scan records as JSON lines, or - for stdin')
    .option('--json', 'one explanation per line')
    .action(async (file: string, opts: SourceOpts & { json?: boolean }) => {
      const records = await readRecords(file)
      const engine = loadConfiguredEngine(opts)
      for (const record of records) {
        const { observations, explanations } = explainRecord(engine, record)
        if (opts.json) {
          for (const e of explanations)
            process.stdout.write(jsonLine({ ip: record.ip, port: record.port, ...e }))
          continue
        }
        const out = [`${record.ip}:${record.port} ${record.protocol}`]
        for (const o of observations) out.push(`  observed ${o.key} = ${safeJson(o.value.slice(0, 120))}`)
        if (explanations.length === 0) out.push('  no rule matches')
        for (const e of explanations) {
          out.push(
            `  ${e.winner ? '*' : ' '} ${e.engine} ${e.rule} (${e.source}) specificity ${e.specificity} confidence ${e.confidence.toFixed(2)}`,
            `      ${e.description}`,
            `      /${e.pattern.slice(0, 120)}/ matched ${safeJson(e.matched.slice(0, 80))} in ${e.matchKey}`,
            `      ${Object.entries(e.fields)
              .map(([k, v]) => `${k}=${v}`)
              .join('  ')}`,
          )
        }
        process.stdout.write(`${escapeText(out.join('\n'), { keepNewlines: true })}\n`)
      }
    })

  withSources(fp.command('match'))
    .description('fingerprint one observed text: mamori fingerprint match http.server "lighttpd/1.4.69"')
    .argument('<key>', 'observation key (telnet.banner, ssh.banner, http.server, http.title, ...)')
    .argument('<value>', 'the observed text')
    .option('--port <n>', 'port the text came from', '0')
    .action((key: string, value: string, opts: SourceOpts & { port: string }) => {
      const engine = loadConfiguredEngine(opts)
      const fingerprint = engine.fingerprint(
        [{ key, value: value.replace(/\\r/g, '\r').replace(/\\n/g, '\n') }],
        Number(opts.port),
      )
      process.stdout.write(jsonLine(fingerprint))
      if (!fingerprint.rule) process.exitCode = 1
    })

  withSources(fp.command('probe'))
    .description("identify a loopback TCP service with nmap's probes, as nmap -sV does")
    .argument('<target>', 'IP:PORT inside 127.0.0.0/8')
    .option('--intensity <n>', "nmap's --version-intensity (0-9)", '7')
    .option('--wait <ms>', 'longest wait for each probe', '2000')
    .action(async (target: string, opts: SourceOpts & { intensity: string; wait: string }) => {
      const m = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}):(\d{1,5})$/.exec(target)
      if (!m)
        throw new MamoriError(
          'ERR_SCOPE_REFUSED',
          `probe takes a loopback IP:PORT; use mamori scan with a scope file for ${target}`,
        )
      const intensity = Number(opts.intensity)
      if (!Number.isInteger(intensity) || intensity < 0 || intensity > 9)
        throw new MamoriError('ERR_USAGE', '--intensity must be 0-9')
      const engine = loadConfiguredEngine(opts)
      if (engine.nmapProbes.length === 0)
        throw new MamoriError('ERR_FP_LOAD', 'no nmap-service-probes loaded (install nmap or pass --nmap)')
      const result = await probeService(
        { ip: m[1] as string, port: Number(m[2]), transport: 'tcp' },
        engine.nmapProbes,
        engine.rules,
        {
          intensity,
          exclude: engine.nmapExclude,
          maxWaitMs: Number(opts.wait) || 2000,
        },
      )
      process.stdout.write(
        jsonLine({ match: result.match ? toCandidate(result.match) : null, sent: result.sent }),
      )
      if (!result.match) process.exitCode = 1
    })
}
