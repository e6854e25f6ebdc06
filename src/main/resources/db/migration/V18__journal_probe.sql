-- One row the journal's health check rewrites (JournalHealth): readiness and liveness say whether it can.
CREATE TABLE journal_probe (
    id         INTEGER NOT NULL PRIMARY KEY,
    written_at TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO journal_probe (id, written_at) VALUES (1, CURRENT_TIMESTAMP);
