package iru.launcher;

import iru.foundation.config.IruConfig;
import iru.foundation.secrets.DevSecretStore;
import iru.foundation.secrets.SecretStore;

/** Picks the secret store named by `IRU_SECRETS`. */
final class Secrets {
    private Secrets() {
    }

    static SecretStore store(IruConfig config) {
        return switch (config.secretsProvider()) {
            case "dev" -> new DevSecretStore(config.environment());
            default -> throw new IllegalStateException("IRU_SECRETS=" + config.secretsProvider() + " is not available");
        };
    }
}
