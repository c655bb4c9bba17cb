-- Map versions: k-means clusters and a 2-D t-SNE layout of one model's vectors.
-- A version is written while 'building' and becomes the current one (meta 'current_map')
-- in the same transaction that marks it 'done', so a killed build leaves the old map current.

CREATE TABLE maps (
  id          INTEGER PRIMARY KEY,
  model_id    INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE,
  status      TEXT NOT NULL CHECK (status IN ('building', 'done', 'failed')),
  points      INTEGER NOT NULL DEFAULT 0,
  clusters    INTEGER NOT NULL DEFAULT 0,
  config      TEXT NOT NULL,                  -- JSON: settings and timings of the build
  error       TEXT,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  finished_at TEXT
);

-- Images removed by a reindex drop out of every map with their row.
CREATE TABLE map_points (
  map_id   INTEGER NOT NULL REFERENCES maps (id) ON DELETE CASCADE,
  image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  x        REAL NOT NULL,
  y        REAL NOT NULL,
  cluster  INTEGER NOT NULL,                  -- a stable cluster id (map_clusters.cluster)
  placed   INTEGER NOT NULL DEFAULT 0 CHECK (placed IN (0, 1)),  -- 1: placed after the build
  PRIMARY KEY (map_id, image_id)
) WITHOUT ROWID;
CREATE INDEX map_points_image ON map_points (image_id);

CREATE TABLE map_clusters (
  map_id          INTEGER NOT NULL REFERENCES maps (id) ON DELETE CASCADE,
  cluster         INTEGER NOT NULL,           -- stable across versions: matched to the previous map's
  size            INTEGER NOT NULL,
  x               REAL NOT NULL,              -- where the label goes on the map
  y               REAL NOT NULL,
  centroid        BLOB NOT NULL,              -- float32: the mean of its images' vectors (the model's space)
  label           TEXT,                       -- majority folder label, NULL when none
  label_share     REAL,                       -- its share of the cluster's labelled images
  representatives TEXT NOT NULL,              -- JSON array of image ids nearest the centroid
  PRIMARY KEY (map_id, cluster)
) WITHOUT ROWID;
