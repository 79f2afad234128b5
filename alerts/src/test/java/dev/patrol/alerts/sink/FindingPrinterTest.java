package dev.patrol.alerts.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FindingPrinterTest {

    @Test
    void shouldPrintOneReadableLineWhenGivenFinding() {
        String line = FindingPrinter.format(TestFindings.offNetwork());

        assertThat(line).isEqualTo("FINDING HIGH PAT-OFFNET-01 2026-05-01T10:15:30Z contoso: Token ci-deploy of "
                + "dana@contoso.example was used from 203.0.113.7 (hosting, DE), outside the corporate network. "
                + "[id 3f2a9c1e5b7d4f60a1b2c3d4e5f60718]");
    }
}
