import { Command, CommanderError } from 'commander'
import { isMamoriError } from '../core/errors.js'
import { commands } from './commands/index.js'

const program = new Command()
  .name('mamori')
  .description('See your IoT devices the way a botnet does, before it does.')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride()
  // options belong to the command they follow (`lab pcap --seed`, `honeypot sources --db`)
  .enablePositionalOptions()

for (const register of commands) register(program)

try {
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError) {
    // help and --version end here too, with exit code 0
    process.exitCode = err.exitCode === 0 ? 0 : 2
  } else if (isMamoriError(err)) {
    process.stderr.write(`mamori: ${err.message}\n`)
    process.exitCode = err.exitCode
  } else {
    process.stderr.write(`mamori: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exitCode = 1
  }
}
