// Child process of the SIGKILL test: commits one alert to the outbox in the transaction of a state
// change, prints "committed", and then hangs (it never delivers) until the parent kills it.
import { openStore } from '../../store/open-store.js'

const [file, url] = process.argv.slice(2) as [string, string]
const store = await openStore(file)
await store.recordScan({ id: 'killed', started_at: new Date().toISOString() })
await store.ingest([
  {
    ip: '127.30.9.50',
    port: 23,
    transport: 'tcp',
    protocol: 'telnet',
    timestamp: new Date().toISOString(),
    scan_id: 'killed',
    status: 'success',
    banner: 'login: ',
    data: {},
    findings: [{ type: 'telnet-exposed', severity: 'high' }],
  },
])
await store.findings.reconcile('killed', async (tx, changes) => {
  await store.outbox.enqueue(tx, [
    {
      id: 'alert-after-kill',
      topic: 'monitor:kill',
      channel: 'webhook',
      destination: url,
      payload: { changes: changes.length },
    },
  ])
})
process.stdout.write('committed\n')
setInterval(() => {}, 1000)
