package io.policygate.webhook;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Closes a request's connection as soon as its body falls behind its pace ({@link WebhookBody#behind}) and nothing
 * more of it arrives, looking every half second. Reading a body waits on a worker thread for the next bytes; a client that sends none would hold
 * that thread until Quarkus's read timeout (60 s), and one that sends a byte now and then for ever. Closing the
 * connection ends the wait at once: the read fails, the thread is free. A silent client holds one for about the
 * 2 s grace.
 */
@ApplicationScoped
class SlowBodyWatch {

    private final Vertx vertx;

    @Inject
    SlowBodyWatch(Vertx vertx) {
        this.vertx = vertx;
    }

    /** One body being watched; closing it (the body was read) ends the watch. */
    interface Running extends AutoCloseable {
        @Override
        void close();
    }

    /** How often a body's pace is looked at while it is read. */
    private static final long EVERY_MILLIS = 500;

    /**
     * Watches {@code body} while it is read. A body that is behind and got no byte since the last look is closed;
     * one that still trickles is left to its reading thread, which answers 408 before its next read.
     */
    Running start(HttpServerRequest request, WebhookBody body) {
        long[] seen = {-1};
        long timer = vertx.setPeriodic(EVERY_MILLIS, check -> {
            long read = body.bytesRead();
            if (read == seen[0] && body.behind()) {
                vertx.cancelTimer(check);
                request.connection().close();
            }
            seen[0] = read;
        });
        return () -> vertx.cancelTimer(timer);
    }
}
