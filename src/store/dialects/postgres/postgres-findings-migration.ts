/** Schema v5 (PostgreSQL): the same tables as SQLite's (sqlite-findings-migration.ts). */
export const postgresFindingsMigration = `
ALTER TABLE findings ADD COLUMN ref TEXT NOT NULL DEFAULT '';
ALTER TABLE findings DROP CONSTRAINT findings_pkey;
ALTER TABLE findings ADD PRIMARY KEY (service_id, type, ref);
ALTER TABLE scans ADD COLUMN coverage TEXT;
CREATE TABLE scan_hosts (
  scan BIGINT NOT NULL,
  address BIGINT NOT NULL,
  PRIMARY KEY (scan, address)
);
CREATE TABLE tracked_findings (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  service_id BIGINT NOT NULL,
  ip TEXT NOT NULL,
  port INTEGER NOT NULL,
  transport TEXT NOT NULL,
  type TEXT NOT NULL,
  ref TEXT NOT NULL,
  severity TEXT NOT NULL,
  title TEXT,
  state TEXT NOT NULL,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  first_scan BIGINT NOT NULL,
  last_scan BIGINT NOT NULL,
  state_changed_at BIGINT NOT NULL,
  verification TEXT,
  UNIQUE (service_id, type, ref)
);
CREATE INDEX tracked_findings_state ON tracked_findings (state, service_id);
CREATE TABLE finding_events (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  finding_id BIGINT NOT NULL,
  at BIGINT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  actor TEXT NOT NULL,
  note TEXT
);
CREATE INDEX finding_events_finding ON finding_events (finding_id, id);
CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  topic TEXT NOT NULL,
  channel TEXT NOT NULL,
  destination TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
`
