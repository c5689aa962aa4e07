-- Voicemail, forwarding and do-not-disturb. Each extension says where its
-- calls go when it is busy (or on do-not-disturb), does not answer within
-- its ring time, or has no phone registered, or always: 'voicemail',
-- 'extension:NUMBER' or 'external:NUMBER'; none means the caller hears
-- the failure. Existing extensions get voicemail, as new ones do.
ALTER TABLE extensions ADD COLUMN dnd BIGINT NOT NULL DEFAULT 0;
ALTER TABLE extensions ADD COLUMN forward_always TEXT;
ALTER TABLE extensions ADD COLUMN forward_busy TEXT DEFAULT 'voicemail';
ALTER TABLE extensions ADD COLUMN forward_no_answer TEXT DEFAULT 'voicemail';
ALTER TABLE extensions ADD COLUMN forward_unregistered TEXT DEFAULT 'voicemail';
-- Seconds the phones ring before the no-answer rule; none: the default.
ALTER TABLE extensions ADD COLUMN ring_time BIGINT;
-- 'off', 'send_and_keep' or 'send_and_delete' (to the extension's email).
ALTER TABLE extensions ADD COLUMN voicemail_email TEXT NOT NULL DEFAULT 'off';

-- Messages left, one mono WAV file each under the data directory, written
-- and renamed before its row exists. Times are Unix seconds.
CREATE TABLE voicemail_messages (
    id TEXT PRIMARY KEY,
    mailbox TEXT NOT NULL,
    caller TEXT NOT NULL,
    caller_name TEXT,
    received_at BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    -- 'inbox' or 'saved'; a message not yet heard is unread.
    folder TEXT NOT NULL,
    heard BIGINT NOT NULL,
    -- Relative to the data directory.
    file TEXT NOT NULL
);
CREATE INDEX voicemail_messages_mailbox ON voicemail_messages (mailbox, received_at);

-- Wrong PINs entered at a mailbox's menu, and until when it is locked.
CREATE TABLE voicemail_lockouts (
    mailbox TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    locked_until BIGINT NOT NULL
);
