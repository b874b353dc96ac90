package iru.application.identity;

import iru.domain.common.VersionMismatchException;
import java.util.Optional;

/** The If-Match precondition: when the client names a version, it must be the current one. */
final class Versions {
    private Versions() {
    }

    static void require(String resource, Optional<Integer> expected, int current) {
        if (expected.isPresent() && expected.get() != current) {
            throw new VersionMismatchException(resource, current);
        }
    }
}
