package io.policygate.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * A disk for H2 that fails as real ones do. It remembers what a power loss would leave: the content of each file as
 * it was when it was last forced to the device ({@code FileChannel.force}). Whatever was written after that lives
 * only in the operating system's cache and is lost with the power; {@link #afterPowerLoss} writes the surviving
 * image of a database to a new file that plain H2 can open. And it can be full ({@link #fill}): every write fails
 * as it would with no space left, until {@link #free}. H2 opens files through it for URLs of the form
 * {@code jdbc:h2:faulty:./path}.
 *
 * <p>{@link Installed}, a test resource, registers the scheme before the service opens its journal.
 */
public final class FaultyDisk extends FilePathWrapper {

    public static final String SCHEME = "faulty";
    private static volatile boolean full;
    /** File name (as H2 names it, without the scheme) to its content when last forced. */
    private static final Map<String, byte[]> FORCED = new ConcurrentHashMap<>();

    /** Makes H2 open {@code powerloss:} paths on this disk, from before the service starts. */
    public static final class Installed implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            FilePath.register(new FaultyDisk());
            return Map.of();
        }

        @Override
        public void stop() {
            FORCED.clear();
            full = false;
        }
    }

    /** From now on every write fails: no space is left. */
    public static void fill() {
        full = true;
    }

    /** Writes succeed again. */
    public static void free() {
        full = false;
    }

    private static void noSpaceLeft() throws IOException {
        if (full) {
            throw new IOException("No space left on device");
        }
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        return new ForcedContent(super.open(mode), unwrap(name).toString());
    }

    /**
     * Writes what survives a power loss now of the database file {@code file} (the path after the scheme, as
     * in the JDBC URL, with H2's ".mv.db") to {@code image}; nothing at all if it was never forced.
     */
    public static void afterPowerLoss(String file, Path image) {
        byte[] content = FORCED.entrySet().stream()
                .filter(e -> Path.of(e.getKey())
                        .normalize()
                        .toAbsolutePath()
                        .equals(Path.of(file).normalize().toAbsolutePath()))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(new byte[0]);
        try {
            Files.createDirectories(image.getParent());
            Files.write(image, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file whose content is copied aside each time it is forced: writes and the copy never interleave. */
    private static final class ForcedContent extends FileBase {

        private final FileChannel channel;
        private final String name;

        ForcedContent(FileChannel channel, String name) {
            this.channel = channel;
            this.name = name;
        }

        @Override
        public synchronized void force(boolean metaData) throws IOException {
            channel.force(metaData);
            ByteBuffer content = ByteBuffer.allocate((int) channel.size());
            while (content.hasRemaining() && channel.read(content, content.position()) >= 0) {
                // read until the buffer holds the whole file
            }
            FORCED.put(name, content.array());
        }

        @Override
        public synchronized int write(ByteBuffer src) throws IOException {
            noSpaceLeft();
            return channel.write(src);
        }

        @Override
        public synchronized int write(ByteBuffer src, long position) throws IOException {
            noSpaceLeft();
            return channel.write(src, position);
        }

        @Override
        public synchronized FileChannel truncate(long newLength) throws IOException {
            channel.truncate(newLength);
            return this;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return channel.read(dst);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return channel.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return channel.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            channel.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return channel.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            channel.close();
        }
    }
}
