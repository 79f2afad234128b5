package dev.patrol.ingest.audit;

import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * One element of an audit log page's {@code decoratedAuditLogEntries}, as ADO sent it: where its JSON value lies in
 * the page's bytes, and its id. Nothing is parsed or re-serialised to get here, so the raw topic and dead letters can
 * keep the entry byte for byte.
 *
 * <p>The page array is shared by all its entries and never written after the page was read; {@code equals} compares
 * it by identity, like any array in a record.
 *
 * @param id    the entry's top-level {@code id} when it is a JSON string (the last one, if repeated), else null
 * @param page  the whole page's bytes (UTF-8)
 * @param start offset of the value's first byte
 * @param end   offset just past its last byte
 */
public record PageEntry(String id, byte[] page, int start, int end) {

    public PageEntry {
        Objects.requireNonNull(page, "page");
        Objects.checkFromToIndex(start, end, page.length);
    }

    /** How many bytes the entry's JSON has. */
    public int length() {
        return end - start;
    }

    /** A copy of the entry's JSON, exactly as ADO sent it. */
    public byte[] json() {
        return Arrays.copyOfRange(page, start, end);
    }

    /** Reads the entry's JSON with {@code reader}, straight from the page's bytes. */
    public <T> T read(ObjectReader reader) throws IOException {
        return reader.readValue(page, start, length());
    }

    /** Copies the entry's JSON into {@code target} at {@code offset}. */
    public void copyTo(byte[] target, int offset) {
        System.arraycopy(page, start, target, offset, length());
    }
}
