package iru.domain.application;

import java.util.List;
import java.util.UUID;

/** Who is assigned to an application directly: users, and groups whose members all count. */
public record Assignments(List<UUID> users, List<UUID> groups) {
    public Assignments {
        users = List.copyOf(users);
        groups = List.copyOf(groups);
    }
}
