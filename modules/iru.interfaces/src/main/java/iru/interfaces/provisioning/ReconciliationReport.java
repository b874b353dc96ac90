package iru.interfaces.provisioning;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What one reconciliation of an application found.
 *
 * @param remoteUsers  how many Users the application reported
 * @param remoteGroups how many Groups it reported
 * @param enqueued     every correction put into the outbox
 * @param unattributed accounts we cannot attribute to one of ours: reported, never touched
 */
public record ReconciliationReport(UUID appId, int remoteUsers, int remoteGroups, List<Correction> enqueued,
        List<Unattributed> unattributed) {
    public ReconciliationReport {
        enqueued = List.copyOf(enqueued);
        unattributed = List.copyOf(unattributed);
    }

    /** `kind` is `user` or `group`; `remoteId` is the application's account, when there is one. */
    public record Correction(String kind, UUID subjectId, String cause, Optional<String> remoteId) {
    }

    /** An account in the application whose `externalId` names none of ours (or a duplicate of one we matched). */
    public record Unattributed(String kind, String remoteId, String name, Optional<String> externalId, String why) {
    }
}
