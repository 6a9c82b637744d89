import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { isMamoriError } from '../core/errors.js'
import type { ResumeState } from '../targets/resume-state.js'
import { buildScanPlan } from './scan-plan.js'

const dir = mkdtempSync(join(tmpdir(), 'mamori-plan-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const SCOPE = 'owner: lab\ncontact: noc@example.test\nauthorised_by: the lab\ncidrs: [127.19.106.0/24]\n'

test('a resume under a scope file that changed since the scan started is refused', async () => {
  const scopeFile = join(dir, 'scope.yaml')
  writeFileSync(scopeFile, SCOPE)
  const request = { targets: ['127.19.106.0/30'], ports: '23', exclude: [], scopeFile, seed: 1 }
  const plan = await buildScanPlan(request)
  const state: ResumeState = {
    version: 2,
    scan_id: plan.scanId,
    targets: request.targets,
    ports: request.ports,
    exclude: [],
    scope_file: scopeFile,
    scope_file_hash: plan.scope.hash ?? null,
    dns_servers: [],
    seed: 1,
    shard: '0/1',
    space_hash: plan.spaceHash,
    watermark: 0,
    done_above: [],
    unfinished: [],
    settings: {
      rate: 100,
      timeout_ms: 1000,
      retries: 0,
      max_inflight: 256,
      per_host: 8,
      engine: 'js',
      threads: null,
      grab_concurrency: 10,
      audit_log: join(dir, 'audit.jsonl'),
      out: null,
      json: false,
      db: null,
      audit: null,
    },
  }
  assert.equal((await buildScanPlan(request, state)).scanId, plan.scanId, 'the same scope resumes')
  // the same networks, another authorisation: the scope is what allowed the scan
  writeFileSync(scopeFile, SCOPE.replace('the lab', 'someone else'))
  await assert.rejects(
    buildScanPlan(request, state),
    (e: unknown) => isMamoriError(e) && e.code === 'ERR_RESUME' && /scope file .* changed/.test(e.message),
  )
})
