package io.policygate.webhook;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A webhook's body as it arrives: every byte goes through the signature check and is counted, so that no body has
 * to sit in memory whole. Past {@code limit} bytes it stops feeding the reader (an {@link IOException} ends the
 * parsing) and {@link #drain} only discards, up to {@code drainLimit}: a client that writes its whole body before
 * it reads the answer then still reads the 413 rather than a reset connection.
 */
final class WebhookBody extends FilterInputStream {

    private final WebhookSignature.Check check;
    private final long limit;
    private final long drainLimit;
    private long count;

    WebhookBody(InputStream in, WebhookSignature.Check check, long limit) {
        super(in);
        this.check = check;
        this.limit = limit;
        // Draining costs the bandwidth of the body only: twice the limit, at least 1 MiB, then the connection goes.
        this.drainLimit = Math.max(2 * limit, 1L << 20);
    }

    /** True once the body had more than {@code limit} bytes. */
    boolean tooLarge() {
        return count > limit;
    }

    /** True when a body that long is not even drained: its answer closes the connection. */
    static boolean tooLargeToDrain(long contentLength, long limit) {
        return contentLength > Math.max(2 * limit, 1L << 20);
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
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            count += n;
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

    /** Reads what the reader left: through the check while within the limit, discarded beyond it. */
    void drain() throws IOException {
        byte[] buffer = new byte[8192];
        while (count <= drainLimit) {
            int n = in.read(buffer, 0, buffer.length);
            if (n < 0) {
                return;
            }
            count += n;
            if (!tooLarge()) {
                check.update(buffer, 0, n);
            }
        }
    }
}
