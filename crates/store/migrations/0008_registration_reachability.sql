-- Whether each registered phone answers its OPTIONS, how fast, and the
-- address it registered to (the sent-by of requests sent to it).
ALTER TABLE registrations ADD COLUMN local TEXT NOT NULL DEFAULT '';
ALTER TABLE registrations ADD COLUMN reachable BIGINT NOT NULL DEFAULT 1;
ALTER TABLE registrations ADD COLUMN rtt_ms BIGINT;
