-- Inbound call flows: ring groups, IVRs and schedules. Each is kept as the
-- service layer validated it, a JSON document (members, options, hours and
-- holidays are small and always read whole), under its kind and name. An
-- internal number, when it has one, is unique among flows; the service
-- layer keeps it apart from extensions' numbers. Times are Unix millis.
CREATE TABLE call_flows (
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    number TEXT UNIQUE,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (kind, name)
);

-- Who of each ring group answered last (Unix seconds), so round robin and
-- least-recently-answered go on where they were after a restart.
CREATE TABLE ring_group_answers (
    ring_group TEXT NOT NULL,
    extension TEXT NOT NULL,
    answered_at BIGINT NOT NULL,
    PRIMARY KEY (ring_group, extension)
);
