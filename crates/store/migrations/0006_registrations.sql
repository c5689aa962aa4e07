-- Registered phones: each extension's contacts, as the registrar last
-- saw them, so registrations survive a restart and can be listed. Times
-- are Unix seconds.
CREATE TABLE registrations (
    id TEXT PRIMARY KEY,
    extension TEXT NOT NULL,
    contact TEXT NOT NULL,
    instance TEXT,
    reg_id BIGINT,
    q TEXT,
    source TEXT NOT NULL,
    transport TEXT NOT NULL,
    user_agent TEXT,
    expires_at BIGINT NOT NULL,
    registered_at BIGINT NOT NULL
);
CREATE INDEX registrations_extension ON registrations (extension);
