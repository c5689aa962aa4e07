-- Addresses banned by the SIP guard (or by hand), and the allow and block
-- lists. Times are Unix seconds.
CREATE TABLE bans (
    address TEXT PRIMARY KEY,
    until BIGINT NOT NULL,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE address_lists (
    network TEXT PRIMARY KEY,
    list TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
