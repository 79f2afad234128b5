package dev.patrol.kafka.embedded.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.FileAlreadyExistsException;
import org.junit.jupiter.api.Test;

class MessagesTest {

    @Test
    void shouldGiveInnermostMessageOnOneLineWhenCausesAreNested() {
        var nested = new IllegalStateException("outer", new UncheckedIOException("middle",
                new BindException("Address already in use\n  (bind failed)")));

        var line = Messages.oneLine(nested);

        assertThat(line).isEqualTo("Address already in use (bind failed)");
        assertThat(Messages.chainMentions(nested, "Address already in use")).isTrue();
    }

    @Test
    void shouldSayWhatIsWrongWhenFileSystemExceptionCarriesOnlyAPath() {
        var inTheWay = new FileAlreadyExistsException("/data/patrol");

        var line = Messages.describe(inTheWay);

        assertThat(line).isEqualTo("a file that is not a directory is in the way (/data/patrol)");
    }
}
