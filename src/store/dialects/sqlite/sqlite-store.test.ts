import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runFindingsSuite } from '../../findings/findings.case.js'
import { openStore } from '../../open-store.js'
import { runStoreSuite } from '../../store.case.js'

const dir = mkdtempSync(join(tmpdir(), 'mamori-store-'))

runStoreSuite('sqlite', {
  open: () => openStore(join(dir, 'conformance.db')),
  dispose: async () => rmSync(dir, { recursive: true, force: true }),
})

const findingsDir = mkdtempSync(join(tmpdir(), 'mamori-findings-'))
runFindingsSuite('sqlite', {
  open: () => openStore(join(findingsDir, 'findings.db')),
  dispose: async () => rmSync(findingsDir, { recursive: true, force: true }),
})
