import { Command, CommanderError } from 'commander'
import { isMamoriError } from '../core/errors.js'
import { escapeText } from '../core/escape.js'
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

/**
 * An error no check anticipated: one line naming it, never a stack trace (which would show a
 * user mamori's insides instead of what went wrong); MAMORI_DEBUG=1 prints the stack.
 */
function reportUnexpected(err: unknown): void {
  const text =
    err instanceof Error
      ? process.env.MAMORI_DEBUG
        ? (err.stack ?? err.message)
        : `${err.name}: ${err.message.split('\n')[0]}`
      : String(err)
  process.stderr.write(`mamori: internal error: ${escapeText(text, { keepNewlines: true })}\n`)
  process.exitCode = 1
}

// a driver or socket error raised outside any awaited call must not end in Node's stack dump
process.on('uncaughtException', (err) => {
  reportUnexpected(err)
  process.exit()
})
process.on('unhandledRejection', (err) => {
  reportUnexpected(err)
  process.exit()
})

try {
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError) {
    // help and --version end here too, with exit code 0
    process.exitCode = err.exitCode === 0 ? 0 : 2
  } else if (isMamoriError(err)) {
    // a message may quote a file or a device: shown, never acted on by the terminal
    process.stderr.write(`mamori: ${escapeText(err.message, { keepNewlines: true })}\n`)
    process.exitCode = err.exitCode
  } else {
    reportUnexpected(err)
  }
}
