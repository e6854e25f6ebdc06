package io.policygate.webhook;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;

/**
 * Closes a request's connection when its body has not arrived in time. Reading a body waits on a worker thread for
 * the next bytes; a client that sends none would hold that thread until Quarkus's read timeout, and one that sends
 * a byte now and then for ever. Closing the connection ends the wait at once: the read fails, the thread is free.
 */
@ApplicationScoped
class BodyDeadline {

    private final Vertx vertx;

    @Inject
    BodyDeadline(Vertx vertx) {
        this.vertx = vertx;
    }

    /** One request's deadline; closing it (the body was read) cancels it. */
    interface Running extends AutoCloseable {
        @Override
        void close();
    }

    Running start(HttpServerRequest request, Duration timeout) {
        long timer =
                vertx.setTimer(timeout.toMillis(), fired -> request.connection().close());
        return () -> vertx.cancelTimer(timer);
    }
}
