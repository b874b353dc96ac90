package iru.application.provisioning;

import java.util.Objects;
import java.util.UUID;

/** Whose account in one application a provisioning task brings in line with the tenant's directory. */
public sealed interface ProvisioningSubject {
    UUID id();

    /** A person: their SCIM User in the application. */
    record User(UUID id) implements ProvisioningSubject {
        public User {
            Objects.requireNonNull(id, "id");
        }
    }

    /** A group: its SCIM Group in the application and its memberships. */
    record Group(UUID id) implements ProvisioningSubject {
        public Group {
            Objects.requireNonNull(id, "id");
        }
    }
}
