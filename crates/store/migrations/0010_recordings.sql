-- Call recording: each extension's policy (never, always, on_demand), and
-- the recordings made, one stereo WAV file each (caller left, callee
-- right) under the data directory. Times are Unix seconds.
ALTER TABLE extensions ADD COLUMN recording TEXT NOT NULL DEFAULT 'never';

CREATE TABLE recordings (
    id TEXT PRIMARY KEY,
    caller TEXT NOT NULL,
    callee TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at BIGINT NOT NULL,
    sample_rate BIGINT NOT NULL,
    -- Milliseconds of audio, and the file's size in bytes.
    duration_ms BIGINT NOT NULL,
    size BIGINT NOT NULL,
    -- Relative to the data directory.
    file TEXT NOT NULL
);
CREATE INDEX recordings_started_at ON recordings (started_at);
CREATE INDEX recordings_caller ON recordings (caller, started_at);
CREATE INDEX recordings_callee ON recordings (callee, started_at);
