package dev.patrol.model.config;

/**
 * Configuration a person must fix. The message is one line that names the key, says what is wrong and where the
 * value came from; it is meant to be printed as is, without a stack trace. A value quoted in it stays on that line:
 * line breaks and other control characters are escaped ({@code \n}, {@code \u0007}), so a value cannot forge log lines.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(oneLine(message));
    }

    static String oneLine(String message) {
        if (message == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(message.length());
        message.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                        out.append(String.format("\\u%04x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }
}
