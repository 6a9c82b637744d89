import { test } from 'node:test'
import { runFindingsSuite } from '../../findings/findings.case.js'
import { openStore } from '../../open-store.js'
import { runStoreSuite } from '../../store.case.js'
import { createTestSchema } from './pg-test-database.js'

const db = await createTestSchema()
const findingsDb = await createTestSchema()

if (db && findingsDb) {
  runStoreSuite('postgres', { open: () => openStore(db.url), dispose: () => db.drop() })
  runFindingsSuite('postgres', { open: () => openStore(findingsDb.url), dispose: () => findingsDb.drop() })
} else {
  test('store conformance: postgres', {
    skip: 'PostgreSQL unreachable (set CI to make this a failure)',
  }, () => {})
}
