import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore } from '../../open-store.js'
import { runStoreSuite } from '../../store.case.js'

const dir = mkdtempSync(join(tmpdir(), 'mamori-store-'))

runStoreSuite('sqlite', {
  open: () => openStore(join(dir, 'conformance.db')),
  dispose: async () => rmSync(dir, { recursive: true, force: true }),
})
