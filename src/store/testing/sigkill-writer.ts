// Child process of the SIGKILL test: writes records through a StoreSink forever, and prints
// "committed N" after each batch is committed, until the parent kills it.
import { StoreSink } from '../store-sink.js'

const [file] = process.argv.slice(2)
const sink = await StoreSink.open(file, { id: 'killed-scan' }, { batch: 200 })
for (let i = 0; i < 2_000_000; i++) {
  const pending = sink.write({
    ip: `127.30.${200 + ((i >> 16) & 7)}.${(i >> 8) & 255}`,
    port: 1 + (i & 255),
    transport: 'tcp',
    protocol: 'telnet',
    timestamp: new Date().toISOString(),
    scan_id: 'killed-scan',
    status: 'success',
    banner: `BusyBox v1.${i % 30}.0 (none) login: record ${i}`,
    data: { telnet: { prompt: 'login:' } },
  })
  if (pending) {
    await pending
    process.stdout.write(`committed ${i + 1}\n`)
  }
}
