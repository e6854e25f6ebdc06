package io.policygate.webhook;

import io.policygate.config.WebhookConfig;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * A webhook's body as it arrives: every byte goes through the signature check and is counted, so that no body has
 * to sit in memory whole. Past {@code limit} bytes it stops feeding the reader (an {@link IOException} ends the
 * parsing) and {@link #drain} only discards, up to a bound: a client that writes its whole body before it reads the
 * answer then still reads the 413 rather than a reset connection.
 *
 * <p>A body must also keep coming: once it has taken longer than {@link BodyPace#graceNanos()}, it must have arrived
 * at {@link BodyPace#minBytesPerSecond()} on average, and all of it within {@link BodyPace#timeoutNanos()}, or
 * reading ends ({@link #tooSlow}). Checked before each read, and by {@link SlowBodyWatch} while a read waits for
 * bytes that do not come: it closes the connection under that read.
 */
final class WebhookBody extends FilterInputStream {

    /** How fast a body must come, and by when all of it. */
    record BodyPace(long graceNanos, long minBytesPerSecond, long timeoutNanos) {

        /** How long a body may take before its rate is held against policy-gate.webhook.min-body-rate. */
        private static final Duration GRACE = Duration.ofSeconds(2);

        /** The pace policy-gate.webhook's keys set, for every body a stranger may send. */
        static BodyPace of(WebhookConfig config) {
            return new BodyPace(
                    GRACE.toNanos(),
                    config.minBodyRate().asLongValue(),
                    config.bodyTimeout().toNanos());
        }
    }

    private final WebhookSignature.Check check;
    private final long limit;
    private final BodyPace pace;
    private final long started = System.nanoTime();
    /** The body's Content-Length; as good as endless when it is not announced (chunked). */
    private final long announced;

    /** Written by the reading thread, read by {@link SlowBodyWatch}'s. */
    private volatile long count;

    private volatile boolean tooSlow;

    WebhookBody(InputStream in, Long contentLength, WebhookSignature.Check check, long limit, BodyPace pace) {
        super(in);
        this.announced = contentLength == null ? Long.MAX_VALUE : contentLength;
        this.check = check;
        this.limit = limit;
        this.pace = pace;
    }

    /** How many bytes of the body have arrived. */
    long bytesRead() {
        return count;
    }

    /** True once the body had more than {@code limit} bytes. */
    boolean tooLarge() {
        return count > limit;
    }

    /** True once the body came slower than its pace allows: nothing more of it is read. */
    boolean tooSlow() {
        return tooSlow;
    }

    /**
     * True, from now on, when the body is behind its pace: not all of it there by the timeout, or, once it has taken
     * longer than the grace, less of it than the minimum rate would have brought. A body that has all its announced
     * bytes is never behind (a read would only find its end), so that one that came late but whole is not refused.
     */
    boolean behind() {
        long elapsed = System.nanoTime() - started;
        long read = count;
        if (tooSlow
                || (read < announced
                        && (elapsed > pace.timeoutNanos()
                                || (elapsed > pace.graceNanos()
                                        && read * 1_000_000_000.0 / elapsed < pace.minBytesPerSecond())))) {
            tooSlow = true;
        }
        return tooSlow;
    }

    /**
     * The most that is read of a body to let its sender read the answer: twice the limit, at least 1 MiB (what
     * draining costs is the bandwidth of the body only). A body announced longer is answered at once and its
     * connection closed.
     */
    static long drainLimit(long limit) {
        return Math.max(2 * limit, 1L << 20);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (tooLarge()) {
            throw new IOException("the body is larger than " + limit + " bytes");
        }
        int n = paced(buffer, offset, length);
        if (n > 0) {
            if (tooLarge()) {
                throw new IOException("the body is larger than " + limit + " bytes");
            }
            check.update(buffer, offset, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(n, 8192)];
        int read = read(buffer, 0, buffer.length);
        return Math.max(read, 0);
    }

    /**
     * Reads what the reader left, at most {@code upTo} bytes in all: through the check while within the limit,
     * discarded beyond it. Returns false when the body did not end there (the answer then closes the connection).
     */
    boolean drain(long upTo) throws IOException {
        byte[] buffer = new byte[8192];
        while (count <= upTo) {
            int n = paced(buffer, 0, buffer.length);
            if (n < 0) {
                return true;
            }
            if (!tooLarge()) {
                check.update(buffer, 0, n);
            }
        }
        return false;
    }

    /** Reads, unless the body is behind its pace ({@link #behind}). */
    private int paced(byte[] buffer, int offset, int length) throws IOException {
        if (behind()) {
            throw new IOException("the body came too slowly");
        }
        int n = in.read(buffer, offset, length);
        if (n > 0) {
            count += n;
        }
        return n;
    }
}
