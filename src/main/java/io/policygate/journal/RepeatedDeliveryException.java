package io.policygate.journal;

import java.util.Optional;

/**
 * A signed webhook whose webhook-id was accepted before: GitLab delivering it again, or someone replaying it. Nothing
 * is stored; {@code jobId} is the job its first delivery made or found (empty for deliveries stored before V16).
 */
public class RepeatedDeliveryException extends RuntimeException {

    private final String deliveryId;
    private final Optional<String> jobId;

    public RepeatedDeliveryException(String deliveryId, Optional<String> jobId) {
        super("webhook-id " + deliveryId + " was received before");
        this.deliveryId = deliveryId;
        this.jobId = jobId;
    }

    public String deliveryId() {
        return deliveryId;
    }

    public Optional<String> jobId() {
        return jobId;
    }
}
