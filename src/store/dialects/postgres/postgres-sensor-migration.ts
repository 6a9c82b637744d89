/** Schema v4 (PostgreSQL): the same sensor tables as SQLite's (sqlite-sensor-migration.ts). */
export const postgresSensorMigration = `
CREATE TABLE honeypot_sessions (
  session TEXT PRIMARY KEY,
  sensor TEXT NOT NULL,
  src_ip TEXT NOT NULL,
  src_port INTEGER NOT NULL,
  dst_ip TEXT NOT NULL,
  dst_port INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  ended_at BIGINT NOT NULL,
  close_reason TEXT NOT NULL,
  family TEXT NOT NULL,
  confidence DOUBLE PRECISION NOT NULL,
  summary TEXT NOT NULL,
  verdict TEXT NOT NULL
);
CREATE INDEX honeypot_sessions_src ON honeypot_sessions (src_ip, started_at);
CREATE TABLE honeypot_events (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  session TEXT NOT NULL,
  eventid TEXT NOT NULL,
  ts BIGINT NOT NULL,
  event TEXT NOT NULL
);
CREATE INDEX honeypot_events_session ON honeypot_events (session);
CREATE TABLE sensor_sources (
  sensor_kind TEXT NOT NULL,
  ip TEXT NOT NULL,
  sensor TEXT NOT NULL,
  family TEXT NOT NULL,
  variant TEXT,
  confidence DOUBLE PRECISION NOT NULL,
  features TEXT NOT NULL,
  evidence TEXT NOT NULL,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  observations BIGINT NOT NULL,
  PRIMARY KEY (sensor_kind, ip)
);
CREATE INDEX sensor_sources_family ON sensor_sources (family);
`
