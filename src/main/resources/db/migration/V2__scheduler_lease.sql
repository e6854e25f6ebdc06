-- Which replica runs a cluster-wide scheduled task (the reconciliation sweep) and until when.
CREATE TABLE scheduler_lease (
    name        VARCHAR(64)  NOT NULL PRIMARY KEY,
    owner       VARCHAR(120) NOT NULL,
    lease_until TIMESTAMP WITH TIME ZONE NOT NULL
);
