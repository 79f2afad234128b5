package dev.patrol.alerts.sink;

import dev.patrol.model.event.Finding;
import java.io.PrintStream;

/** Prints one readable line per finding, for a person watching a terminal. */
public final class FindingPrinter {

    private final PrintStream out;

    public FindingPrinter(PrintStream out) {
        this.out = out;
    }

    public void print(Finding finding) {
        out.println(format(finding));
        out.flush();
    }

    /** {@code FINDING HIGH PAT-OFFNET-01 2026-05-01T10:15:30Z contoso: <summary> [id 3f2a…]}. */
    public static String format(Finding finding) {
        return "FINDING " + finding.severity() + " " + finding.ruleId() + " " + finding.eventTime() + " "
                + finding.organization() + ": " + finding.summary() + " [id " + finding.id() + "]";
    }
}
