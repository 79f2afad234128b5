package dev.patrol.ingest.stream;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a request body with a size limit that holds for the bytes on the wire and, for a gzip body, for the
 * decompressed bytes too, so a small zip bomb cannot expand past the limit in memory.
 */
final class RequestBodies {

    private static final int CHUNK = 8192;

    private RequestBodies() {
    }

    /** The body is larger than the limit (on the wire or decompressed). */
    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(int limit) {
            super("request body exceeds " + limit + " bytes");
        }
    }

    /** The {@code Content-Encoding} is not one the receiver decodes. */
    static final class UnsupportedEncodingException extends IOException {
        private static final long serialVersionUID = 1L;

        UnsupportedEncodingException() {
            super("unsupported Content-Encoding; send identity or gzip");
        }
    }

    /** The body claims gzip but does not decompress. */
    static final class MalformedEncodingException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedEncodingException(Throwable cause) {
            super("request body is not valid gzip", cause);
        }
    }

    /**
     * Reads the whole body.
     *
     * @param contentEncoding the {@code Content-Encoding} header, or null
     * @param limit           most bytes accepted, compressed and decompressed alike
     */
    static byte[] read(InputStream body, String contentEncoding, int limit) throws IOException {
        InputStream onTheWire = new LimitedInputStream(body, limit);
        String encoding = contentEncoding == null ? "" : contentEncoding.strip().toLowerCase(Locale.ROOT);
        switch (encoding) {
            case "", "identity":
                return readAll(onTheWire);
            case "gzip", "x-gzip":
                return gunzip(onTheWire, limit);
            default:
                throw new UnsupportedEncodingException();
        }
    }

    private static byte[] gunzip(InputStream compressed, int limit) throws IOException {
        GZIPInputStream gzip = null;
        try {
            gzip = new GZIPInputStream(compressed, CHUNK);
            byte[] body = readAll(new LimitedInputStream(gzip, limit));
            // GZIPInputStream may stop short of the end of the wire stream. Reading on to the end lets the JDK
            // server mark the request as fully read, so its request-time limit cannot cut the sink call short.
            discardRest(compressed);
            return body;
        } catch (ZipException | EOFException e) {
            // ZipException: bad header or data; EOFException: a truncated stream.
            throw new MalformedEncodingException(e);
        } finally {
            closeQuietly(gzip);
        }
    }

    /** Frees the native inflater now rather than at garbage collection; the inflater is freed before any failure. */
    private static void closeQuietly(GZIPInputStream gzip) {
        if (gzip == null) {
            return;
        }
        try {
            gzip.close();
        } catch (IOException e) {
            // Closing the exchange's stream failed: the connection is gone, and the caller learns that on its own.
        }
    }

    private static void discardRest(InputStream in) throws IOException {
        byte[] chunk = new byte[CHUNK];
        while (in.read(chunk) >= 0) {
            // keep reading: the limit still applies to these bytes
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[CHUNK];
        int read;
        while ((read = in.read(chunk)) >= 0) {
            out.write(chunk, 0, read);
        }
        return out.toByteArray();
    }

    /** Fails as soon as one byte more than the limit has been read, so no more than limit+1 bytes are ever held. */
    private static final class LimitedInputStream extends FilterInputStream {

        private final int limit;
        private long count;

        LimitedInputStream(InputStream in, int limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            int allowed = (int) Math.min(length, limit - count + 1);
            int read = super.read(buffer, offset, Math.max(allowed, 1));
            if (read > 0) {
                count(read);
            }
            return read;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, limit - count + 1));
            count(skipped);
            return skipped;
        }

        private void count(long read) throws TooLargeException {
            count += read;
            if (count > limit) {
                throw new TooLargeException(limit);
            }
        }
    }
}
