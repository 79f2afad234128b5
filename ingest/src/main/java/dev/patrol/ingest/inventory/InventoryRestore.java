package dev.patrol.ingest.inventory;

import dev.patrol.ingest.kafka.TopicReader;
import dev.patrol.model.event.OrgUser;
import dev.patrol.model.topic.Topics;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the users topic back at start, next to the tokens the ingest service restores: without it the first scan
 * after a restart would rewrite every user and could not tell a user removed while the service was down.
 */
public final class InventoryRestore {

    private InventoryRestore() {
    }

    /** The organization's users as the users topic holds them now ({@code read_committed}), by descriptor. */
    public static Map<String, OrgUser> users(Map<String, Object> clientConfig, String topicPrefix, String organization) {
        Map<String, OrgUser> users = new HashMap<>();
        String ours = OrgUser.key(organization, "");
        TopicReader.readToEnd(clientConfig, Topics.USERS, topicPrefix + Topics.USERS.name(), (key, value) -> {
            if (key == null || !key.startsWith(ours)) {
                return; // another organization's user
            }
            String descriptor = key.substring(ours.length());
            if (value == null) {
                users.remove(descriptor);
            } else {
                users.put(descriptor, value);
            }
        });
        return users;
    }
}
