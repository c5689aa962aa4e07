-- Calls: the record of every call that ended (CDR), kept for reports and
-- billing, and the calls in progress, as the running servers last reported
-- them. Times are Unix seconds.
CREATE TABLE cdrs (
    id TEXT PRIMARY KEY,
    caller TEXT NOT NULL,
    callee TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    answered_at BIGINT,
    ended_at BIGINT NOT NULL,
    duration BIGINT NOT NULL,
    billable BIGINT NOT NULL,
    disposition TEXT NOT NULL,
    hangup_cause TEXT NOT NULL,
    hangup_side TEXT NOT NULL,
    codec TEXT,
    legs TEXT NOT NULL
);
CREATE INDEX cdrs_started_at ON cdrs (started_at);
CREATE INDEX cdrs_caller ON cdrs (caller, started_at);
CREATE INDEX cdrs_callee ON cdrs (callee, started_at);

CREATE TABLE live_calls (
    id TEXT PRIMARY KEY,
    caller TEXT NOT NULL,
    callee TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    answered_at BIGINT,
    state TEXT NOT NULL,
    codec TEXT
);
