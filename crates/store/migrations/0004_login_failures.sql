-- Failed logins, by account (`login:…`) and by address (`ip:…`), so a
-- lockout survives a restart and holds across nodes sharing the database.
CREATE TABLE login_failures (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);
