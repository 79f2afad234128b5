package dev.patrol.model.text;

/**
 * HTML escaping for every page PATrol writes (the approval page, the token report). Finding and token fields come
 * from audit entries and token names an attacker can shape, so nothing reaches a page unescaped.
 */
public final class Html {

    private Html() {
    }

    /**
     * Escapes text for an element body or a double- or single-quoted attribute value. Control characters other than
     * tab and newline are dropped: they have no business on the page and some confuse parsers.
     */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '`' -> out.append("&#96;");
                default -> {
                    if (c == '\t' || c == '\n' || !Character.isISOControl(c)) {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }
}
