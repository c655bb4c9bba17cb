-- Learned projection heads over a model's vectors; at most one active per model.

CREATE TABLE heads (
  id         INTEGER PRIMARY KEY,
  model_id   INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE,
  kind       TEXT NOT NULL CHECK (kind IN ('lda')),
  dims       INTEGER NOT NULL CHECK (dims > 0),   -- output dimensions
  config     TEXT NOT NULL,                       -- JSON: shape, chosen settings, labels, validation
  params     BLOB NOT NULL,                       -- float32: mean, then the projection matrix
  active     INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX heads_one_active ON heads (model_id) WHERE active = 1;
