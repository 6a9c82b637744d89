import { test } from 'node:test'
import { openStore } from '../../open-store.js'
import { runStoreSuite } from '../../store.case.js'
import { createTestSchema } from './pg-test-database.js'

const db = await createTestSchema()

if (db) {
  runStoreSuite('postgres', { open: () => openStore(db.url), dispose: () => db.drop() })
} else {
  test('store conformance: postgres', {
    skip: 'PostgreSQL unreachable (set CI to make this a failure)',
  }, () => {})
}
