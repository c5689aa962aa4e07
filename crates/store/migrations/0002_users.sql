-- Accounts that log in to the console and the API.
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    extension TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
