-- The change feed: every change the service layer makes, in commit order,
-- so a running server hears of changes made by the CLI or by another node
-- sharing the database. `seq` is assigned as MAX + 1 under the primary
-- key, so two writers can never commit the same number (the loser retries).
CREATE TABLE changes (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    event TEXT NOT NULL
);
CREATE INDEX changes_at ON changes (at);
