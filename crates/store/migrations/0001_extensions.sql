-- Extensions and the audit log. Portable SQL: the same statements run on
-- SQLite and PostgreSQL (TEXT, BIGINT; booleans as 0/1; times as Unix
-- milliseconds).
CREATE TABLE extensions (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    auth_name TEXT NOT NULL UNIQUE,
    secret TEXT NOT NULL,
    email TEXT,
    voicemail_pin TEXT,
    enabled BIGINT NOT NULL,
    outbound_caller_id TEXT,
    call_limit BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    source TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    detail TEXT NOT NULL
);
