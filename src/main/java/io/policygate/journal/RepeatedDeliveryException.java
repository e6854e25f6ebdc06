package io.policygate.journal;

/** A signed webhook whose webhook-id was accepted before: a replay, refused without storing anything. */
public class RepeatedDeliveryException extends RuntimeException {

    private final String deliveryId;

    public RepeatedDeliveryException(String deliveryId) {
        super("webhook-id " + deliveryId + " was received before");
        this.deliveryId = deliveryId;
    }

    public String deliveryId() {
        return deliveryId;
    }
}
