-- The webhook-id of each accepted Standard Webhooks delivery (GitLab's signed project webhooks): a second
-- delivery with the same id is a replay. Kept for a while after the signature's 5-minute window (HistoryRetention).
CREATE TABLE webhook_delivery (
    id          VARCHAR(200) NOT NULL PRIMARY KEY,
    received_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX webhook_delivery_received ON webhook_delivery (received_at);
