package dev.patrol.alerts.sink;

/**
 * Prints one line per finding ({@link FindingPrinter}) for a person watching a terminal; when printing is off it
 * takes findings without a word. Either way its lane counts what the service handled.
 */
public final class ConsoleSink implements AlertSink {

    private final FindingPrinter printer;
    private final boolean print;

    public ConsoleSink(FindingPrinter printer, boolean print) {
        this.printer = printer;
        this.print = print;
    }

    @Override
    public String name() {
        return "console";
    }

    @Override
    public String target() {
        return print ? "stdout" : "nowhere (alerts.printFindings is false)";
    }

    @Override
    public Delivery deliver(Alert alert) {
        if (print) {
            printer.print(alert.finding());
        }
        return Delivery.delivered();
    }
}
