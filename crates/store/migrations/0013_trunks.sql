-- The phone network. Trunks, DIDs and outbound rules are JSON documents
-- in call_flows (kinds trunk, did, outbound_rule), validated and linked by
-- the service layer like the call flows.
--
-- What the running server last saw of each trunk: its registration
-- (registered, registering, failed, not_registering), whether it answers
-- OPTIONS (1/0, NULL: not asked), the last failure in words, and when this
-- changed (Unix millis).
CREATE TABLE trunk_status (
    name TEXT PRIMARY KEY,
    registration TEXT NOT NULL,
    reachable BIGINT,
    detail TEXT,
    changed_at BIGINT NOT NULL
);

-- The capacity plan's record: per hour (Unix seconds of its start) the
-- most external calls at once, and the calls refused at the limit, in and
-- out. Days are the hours summed up.
CREATE TABLE capacity_hours (
    hour BIGINT PRIMARY KEY,
    peak BIGINT NOT NULL,
    refused_inbound BIGINT NOT NULL,
    refused_outbound BIGINT NOT NULL
);

-- Toll-fraud protection per extension: whether it may call abroad (0: no),
-- and how many outbound calls it may start in an hour (NULL: no limit).
ALTER TABLE extensions ADD COLUMN international_calls BIGINT NOT NULL DEFAULT 0;
ALTER TABLE extensions ADD COLUMN outbound_calls_per_hour BIGINT;
