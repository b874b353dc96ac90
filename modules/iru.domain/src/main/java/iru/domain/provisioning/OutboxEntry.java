package iru.domain.provisioning;

import java.util.Objects;
import java.util.UUID;

/** A row to write to the outbox: bring `subjectKind` `subjectId`'s account in application `appId` in line. */
public record OutboxEntry(UUID appId, String subjectKind, UUID subjectId) {
    public static final String USER = "user";
    public static final String GROUP = "group";

    public OutboxEntry {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(subjectId, "subjectId");
        if (!USER.equals(subjectKind) && !GROUP.equals(subjectKind)) {
            throw new IllegalArgumentException("subjectKind must be user or group");
        }
    }

    public static OutboxEntry user(UUID appId, UUID userId) {
        return new OutboxEntry(appId, USER, userId);
    }

    public static OutboxEntry group(UUID appId, UUID groupId) {
        return new OutboxEntry(appId, GROUP, groupId);
    }
}
