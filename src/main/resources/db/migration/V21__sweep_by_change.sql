-- What the reconciliation sweep keeps between sweeps. sweep_state: until when GitLab's merge requests were listed,
-- so that the next sweep asks only for those updated after it. open_merge_request: every open merge request of a
-- covered project the sweep has seen, with the commit and names it had, and when its status checks were last read:
-- statuses change without the merge request being updated (anyone with the Developer role can post one), so each is
-- read in turn, the longest unread first.
CREATE TABLE sweep_state (
    name         VARCHAR(64) NOT NULL PRIMARY KEY,
    listed_until TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE TABLE open_merge_request (
    project_id     BIGINT       NOT NULL,
    mr_iid         BIGINT       NOT NULL,
    sha            VARCHAR(64),
    title          VARCHAR(500),
    source_branch  VARCHAR(500),
    target_branch  VARCHAR(500),
    status_read_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (project_id, mr_iid)
);
CREATE INDEX open_merge_request_unread ON open_merge_request (status_read_at);
