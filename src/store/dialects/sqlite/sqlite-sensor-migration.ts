/**
 * Schema v4 (SQLite): what the sensors saw. Honeypot sessions with their summary and family verdict,
 * their Cowrie events, and one row per (sensor kind, source address) with the source's family.
 * Times are integer milliseconds, as in v3.
 */
export const sqliteSensorMigration = `
CREATE TABLE honeypot_sessions (
  session TEXT PRIMARY KEY,
  sensor TEXT NOT NULL,
  src_ip TEXT NOT NULL,
  src_port INTEGER NOT NULL,
  dst_ip TEXT NOT NULL,
  dst_port INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL,
  close_reason TEXT NOT NULL,
  family TEXT NOT NULL,
  confidence REAL NOT NULL,
  summary TEXT NOT NULL,
  verdict TEXT NOT NULL
);
CREATE INDEX honeypot_sessions_src ON honeypot_sessions (src_ip, started_at);
CREATE TABLE honeypot_events (
  id INTEGER PRIMARY KEY,
  session TEXT NOT NULL,
  eventid TEXT NOT NULL,
  ts INTEGER NOT NULL,
  event TEXT NOT NULL
);
CREATE INDEX honeypot_events_session ON honeypot_events (session);
CREATE TABLE sensor_sources (
  sensor_kind TEXT NOT NULL,
  ip TEXT NOT NULL,
  sensor TEXT NOT NULL,
  family TEXT NOT NULL,
  variant TEXT,
  confidence REAL NOT NULL,
  features TEXT NOT NULL,
  evidence TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  observations INTEGER NOT NULL,
  PRIMARY KEY (sensor_kind, ip)
) WITHOUT ROWID;
CREATE INDEX sensor_sources_family ON sensor_sources (family);
`
