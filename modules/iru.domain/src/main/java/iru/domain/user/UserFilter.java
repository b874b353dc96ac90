package iru.domain.user;

import java.util.Optional;

/** List filters: exact userName and email (case-insensitive), status, and a prefix search over names and email. */
public record UserFilter(Optional<String> userName, Optional<String> email, Optional<UserStatus> status,
        Optional<String> prefix) {
    public static UserFilter none() {
        return new UserFilter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
