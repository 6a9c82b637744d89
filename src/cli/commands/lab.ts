import { writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { MamoriError } from '../../core/errors.js'
import { jsonLine, safeJson } from '../../core/escape.js'
import { startLab } from '../../lab/lab.js'
import { labPcapCommand } from './lab-pcap.js'

function integer(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  if (!/^\d{1,9}$/.test(text))
    throw new MamoriError('ERR_USAGE', `${flag} must be a whole number, not "${text}"`)
  return Number(text)
}

export function registerLabCommand(program: Command): void {
  program
    .command('lab')
    .description('run a simulated network of IoT devices on loopback addresses until SIGINT/SIGTERM')
    .enablePositionalOptions()
    .addCommand(labPcapCommand())
    .option('--net <cidr>', 'block inside 127.0.0.0/8 to place the devices in', '127.16.0.0/16')
    .option('--seed <n>', 'seed of the layout: same seed, same devices, same truth', '1')
    .option('--devices <n>', 'number of devices (default: about 10 per /24, 300 per /16)')
    .option('--hostile', 'also start the hostile peers (huge banner, trickle, garbage, IAC flood, ...)')
    .option(
      '--login-quirks',
      'also place devices with tricky logins (password-only, lockout, any password, busy slot, rate limit, ...)',
    )
    .option('--truth <file>', 'write the ground truth (every device, service, credential) as JSON')
    .option('--json', 'print the ready line as a JSON object')
    .action(async (opts) => {
      const lab = await startLab({
        net: opts.net,
        seed: integer('--seed', opts.seed) as number,
        devices: integer('--devices', opts.devices),
        hostile: opts.hostile === true,
        loginQuirks: opts.loginQuirks === true,
      })
      // listen for the signals before saying ready: a script may signal as soon as it reads the line
      let onSignal = () => {}
      const signalled = new Promise<void>((resolve) => {
        onSignal = () => resolve()
        process.once('SIGINT', onSignal)
        process.once('SIGTERM', onSignal)
      })
      try {
        if (opts.truth) {
          try {
            writeFileSync(opts.truth, `${safeJson(lab.truth, 2)}\n`)
          } catch (err) {
            throw new MamoriError('ERR_IO', `cannot write ${opts.truth}: ${(err as Error).message}`)
          }
        }
        const devices = lab.truth.devices.length
        const ready = {
          event: 'ready',
          devices,
          ports: lab.listeners,
          net: lab.truth.net,
          seed: lab.truth.seed,
        }
        process.stdout.write(
          opts.json
            ? jsonLine({ ...ready, truth: opts.truth ?? null })
            : `lab ready: ${devices} devices on ${lab.listeners} ports\n`,
        )
        await signalled
      } finally {
        process.off('SIGINT', onSignal)
        process.off('SIGTERM', onSignal)
        await lab.stop()
      }
      if (!opts.json) process.stderr.write('lab stopped\n')
    })
}
