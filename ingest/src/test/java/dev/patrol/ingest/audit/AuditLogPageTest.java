package dev.patrol.ingest.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditLogPageTest {

    private static AuditLogPage parse(String body) throws IOException {
        return AuditLogPage.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> texts(AuditLogPage page) {
        return page.entries().stream().map(e -> new String(e.json(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void shouldKeepEachEntryByteForByteWhenThePageHasWhitespaceEscapesAndMultiByteText() throws Exception {
        // given: entries as a server may lay them out, with nesting, escapes, non-ASCII text and odd spacing
        String first = "{\"id\":\"1;a\",\"actorDisplayName\":\"Zoë Ørsted 🚀\",\"data\":{\"ids\":[1,2,{\"id\":\"inner\"}],"
                + "\"note\":\"quote \\\" comma , bracket ] brace }\"}}";
        String second = "{ \"details\" : \"line\\nbreak\\u00e9\" ,\n    \"id\" : \"2;b\" }";
        String third = "{\"id\":\"3;c\",\"data\":null}";
        String body = "{\"count\":3,\"decoratedAuditLogEntries\":[\n  " + first + " ,\n\t" + second + "," + third
                + "  \r\n],\"continuationToken\":\"next-42\",\"hasMore\":true}";

        // when
        AuditLogPage page = parse(body);

        // then
        assertThat(texts(page)).containsExactly(first, second, third);
        assertThat(page.entries()).extracting(PageEntry::id).containsExactly("1;a", "2;b", "3;c");
        assertThat(page.continuationToken()).isEqualTo("next-42");
        assertThat(page.hasMore()).isTrue();
    }

    @Test
    void shouldGiveNoIdWhenAnEntryHasNoTextualTopLevelId() throws Exception {
        // given: what node.path("id").isTextual() rejected, and an id only nested deeper
        String body = "{\"decoratedAuditLogEntries\":[{\"actionId\":\"Git.RefUpdate\"},{\"id\":42},{\"id\":{\"x\":\"y\"}},"
                + "{\"data\":{\"id\":\"nested\"}},{\"id\":\"first\",\"id\":7},null,\"text\",[1,2],{\"id\":7,\"id\":\"last\"}],"
                + "\"hasMore\":false}";

        // when
        AuditLogPage page = parse(body);

        // then
        assertThat(page.entries()).extracting(PageEntry::id)
                .containsExactly(null, null, null, null, null, null, null, null, "last");
        assertThat(texts(page)).containsExactly("{\"actionId\":\"Git.RefUpdate\"}", "{\"id\":42}", "{\"id\":{\"x\":\"y\"}}",
                "{\"data\":{\"id\":\"nested\"}}", "{\"id\":\"first\",\"id\":7}", "null", "\"text\"", "[1,2]",
                "{\"id\":7,\"id\":\"last\"}");
    }

    @Test
    void shouldReadTheEnvelopeAsTheTypedPageDidWhenFieldsAreMissingNullOrUnknown() throws Exception {
        // when
        AuditLogPage empty = parse("{\"decoratedAuditLogEntries\":null,\"continuationToken\":null,\"extra\":{\"a\":[1]}}");
        AuditLogPage coerced = parse("{\"hasMore\":\"true\",\"continuationToken\":17,\"decoratedAuditLogEntries\":[]}");

        // then
        assertThat(empty.entries()).isEmpty();
        assertThat(empty.continuationToken()).isNull();
        assertThat(empty.hasMore()).isFalse();
        assertThat(coerced.hasMore()).isTrue();
        assertThat(coerced.continuationToken()).isEqualTo("17");
    }

    @Test
    void shouldReturnNullWhenTheBodyIsTheJsonLiteralNull() throws Exception {
        assertThat(parse("null")).isNull();
    }

    @Test
    void shouldFailWhenThePageIsTruncatedInsideAnEntry() {
        String body = "{\"decoratedAuditLogEntries\":[{\"id\":\"1;a\",\"data\":{\"k\":\"v\"}},{\"id\":\"2;b\",\"da";

        assertThatThrownBy(() -> parse(body)).isInstanceOf(IOException.class);
    }

    @Test
    void shouldFailWhenThePageIsTruncatedBetweenFields() {
        assertThatThrownBy(() -> parse("{\"decoratedAuditLogEntries\":[],\"hasMore\":true")).isInstanceOf(IOException.class);
    }

    @Test
    void shouldFailWhenThePageIsHtml() {
        assertThatThrownBy(() -> parse("<html><body>Service Unavailable</body></html>")).isInstanceOf(IOException.class);
    }

    @Test
    void shouldFailWhenThePageIsEmptyOrNotAnObject() {
        assertThatThrownBy(() -> parse("")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> parse("[{\"id\":\"1;a\"}]")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> parse("{\"decoratedAuditLogEntries\":{\"id\":\"1;a\"}}")).isInstanceOf(IOException.class);
    }

    @Test
    void shouldFailWhenAStringHoldsInvalidUtf8() {
        // given: a byte that cannot follow a UTF-8 lead byte, inside an entry's string
        byte[] body = "{\"decoratedAuditLogEntries\":[{\"id\":\"1;a\",\"details\":\"x\u00e9y\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        int lead = indexOf(body, (byte) 0xC3);
        body[lead + 1] = 'A';

        assertThatThrownBy(() -> AuditLogPage.parse(body)).isInstanceOf(IOException.class);
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new AssertionError("byte not found");
    }
}
