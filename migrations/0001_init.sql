-- Initial schema: one database holds one dataset (its root lives in meta).

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- One row per embedding recipe; fingerprint changes whenever the vectors would.
CREATE TABLE models (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  fingerprint   TEXT NOT NULL UNIQUE,
  dims          INTEGER NOT NULL CHECK (dims > 0),
  layer         TEXT NOT NULL,
  input_size    INTEGER NOT NULL CHECK (input_size > 0),
  preprocessing TEXT NOT NULL,            -- JSON: resize, normalisation, layout
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE images (
  id         INTEGER PRIMARY KEY,
  path       TEXT NOT NULL UNIQUE,        -- relative to the dataset root, '/' separated
  sha256     TEXT,                        -- NULL until the file could be read
  bytes      INTEGER NOT NULL,
  width      INTEGER,
  height     INTEGER,
  format     TEXT,
  label      TEXT,                        -- name of the parent folder, NULL at the root
  mtime_ms   INTEGER NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('pending', 'ok', 'failed')),
  error      TEXT,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX images_sha256 ON images (sha256);
CREATE INDEX images_status ON images (status);

CREATE TABLE embeddings (
  image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  model_id INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE,
  vector   BLOB NOT NULL,                 -- float32 little-endian, L2-normalised
  PRIMARY KEY (image_id, model_id)
);
CREATE INDEX embeddings_model ON embeddings (model_id);

CREATE TABLE index_runs (
  id          INTEGER PRIMARY KEY,
  model_id    INTEGER NOT NULL REFERENCES models (id),
  root        TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'interrupted')),
  started_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  finished_at TEXT,
  added       INTEGER NOT NULL DEFAULT 0,
  updated     INTEGER NOT NULL DEFAULT 0,
  unchanged   INTEGER NOT NULL DEFAULT 0,
  removed     INTEGER NOT NULL DEFAULT 0,
  failed      INTEGER NOT NULL DEFAULT 0,
  seconds     REAL,
  error       TEXT
);
