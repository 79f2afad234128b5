package dev.patrol.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The simulator's own JSON plumbing. Bodies are built as trees by the documented field names, and nulls are written
 * out because ADO writes them ({@code "targetAccounts": null} means "global", which absence would not say).
 */
final class SimJson {

    static final ObjectMapper MAPPER = JsonMapper.builder().build();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SimJson() {
    }
}
