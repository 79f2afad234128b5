package dev.patrol.streams.rules;

/** A rule file a person must fix; the message names the file, the rule and the key, in one line. */
public final class RuleException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RuleException(String message) {
        super(message);
    }
}
