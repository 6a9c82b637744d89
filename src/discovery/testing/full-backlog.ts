import { spawn } from 'node:child_process'
import { once } from 'node:events'

// A listener whose accept queue is full: Linux then drops new SYNs without an answer, which is
// exactly what a filtering firewall looks like to a connect() scanner. Python is used because
// Node's servers always accept.
const SCRIPT = `
import socket, sys
held = []
for spec in sys.argv[1:]:
    ip, port = spec.rsplit(':', 1)
    s = socket.socket()
    s.bind((ip, int(port)))
    s.listen(0)
    c = socket.create_connection((ip, int(port)), timeout=2)
    held += [s, c]
print('ready', flush=True)
sys.stdin.read()
`

export interface FullBacklogPeers {
  stop(): Promise<void>
}

/** Starts one never-accepting listener per `ip:port`; resolves when their queues are full. */
export async function startFullBacklogPeers(endpoints: readonly string[]): Promise<FullBacklogPeers> {
  const child = spawn('python3', ['-c', SCRIPT, ...endpoints], { stdio: ['pipe', 'pipe', 'inherit'] })
  const [line] = (await Promise.race([
    once(child.stdout, 'data'),
    once(child, 'exit').then(() => {
      throw new Error('full-backlog peer exited before it was ready')
    }),
  ])) as [Buffer]
  if (!line.toString().startsWith('ready')) throw new Error(`full-backlog peer said ${line}`)
  return {
    async stop() {
      if (child.exitCode !== null) return
      child.stdin.end()
      await once(child, 'exit')
    },
  }
}
