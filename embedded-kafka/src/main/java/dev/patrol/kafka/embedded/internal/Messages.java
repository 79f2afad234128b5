package dev.patrol.kafka.embedded.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** One-line messages from Kafka's exceptions, which often wrap the useful text a few causes deep. */
public final class Messages {

    private Messages() {
    }

    /** The innermost cause's message (or type, when it has none), on one line. */
    public static String oneLine(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return oneLine(message == null || message.isBlank() ? root.getClass().getSimpleName() : message);
    }

    /**
     * A file-system failure in words: NIO's exceptions carry only the path as their message
     * ({@code FileAlreadyExistsException: /data}), which reads as no reason at all.
     */
    public static String describe(IOException e) {
        String path = e instanceof FileSystemException f && f.getFile() != null ? f.getFile() : null;
        String reason;
        if (e instanceof AccessDeniedException) {
            reason = "permission denied";
        } else if (e instanceof FileAlreadyExistsException) {
            reason = "a file that is not a directory is in the way";
        } else if (e instanceof NoSuchFileException) {
            reason = "no such file or directory";
        } else if (e instanceof FileSystemException f && f.getReason() != null) {
            reason = f.getReason();
        } else {
            return oneLine(e);
        }
        return path == null ? reason : reason + " (" + path + ")";
    }

    public static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** Whether any exception in the chain mentions this text. */
    public static boolean chainMentions(Throwable t, String text) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains(text)) {
                return true;
            }
        }
        return false;
    }
}
