/**
 * Schema v5 (SQLite): findings tracked across scans. A finding's identity is its service (address,
 * port, transport: the service id) with its type and `ref` (the CVE of a known-vulnerability, else
 * ''); it keeps a state and a history of who changed it and why. A scan keeps what it covered and
 * which hosts answered it, which is what verifying a fix needs. The outbox holds what is to leave the
 * machine, written in the transaction of the change that caused it.
 */
export const sqliteFindingsMigration = `
-- a service's findings are one per type and ref (a CVE): the key gains ref
CREATE TABLE findings_v5 (
  service_id INTEGER NOT NULL REFERENCES services (id),
  type TEXT NOT NULL,
  ref TEXT NOT NULL DEFAULT '',
  severity TEXT NOT NULL,
  title TEXT,
  detail TEXT,
  PRIMARY KEY (service_id, type, ref)
);
INSERT INTO findings_v5 (service_id, type, severity, title, detail)
  SELECT service_id, type, severity, title, detail FROM findings;
DROP TABLE findings;
ALTER TABLE findings_v5 RENAME TO findings;
CREATE INDEX findings_type ON findings (type);
CREATE INDEX findings_severity ON findings (severity);
ALTER TABLE scans ADD COLUMN coverage TEXT;
CREATE TABLE scan_hosts (
  scan INTEGER NOT NULL,
  address INTEGER NOT NULL,
  PRIMARY KEY (scan, address)
) WITHOUT ROWID;
CREATE TABLE tracked_findings (
  id INTEGER PRIMARY KEY,
  service_id INTEGER NOT NULL,
  ip TEXT NOT NULL,
  port INTEGER NOT NULL,
  transport TEXT NOT NULL,
  type TEXT NOT NULL,
  ref TEXT NOT NULL,
  severity TEXT NOT NULL,
  title TEXT,
  state TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  first_scan INTEGER NOT NULL,
  last_scan INTEGER NOT NULL,
  state_changed_at INTEGER NOT NULL,
  verification TEXT,
  UNIQUE (service_id, type, ref)
);
CREATE INDEX tracked_findings_state ON tracked_findings (state, service_id);
CREATE TABLE finding_events (
  id INTEGER PRIMARY KEY,
  finding_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
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
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
`
