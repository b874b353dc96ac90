package iru.foundation.config;

/**
 * What kind of deployment the process is (`IRU_ENV`). Production refuses, at startup, every setting that exists only
 * to make a laptop convenient: the dev secret store, database passwords, and the diagnostic routes.
 */
public enum Deployment {
    DEV("dev"),
    PRODUCTION("production");

    private final String code;

    Deployment(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    static Deployment fromCode(String code) {
        for (Deployment deployment : values()) {
            if (deployment.code.equals(code)) {
                return deployment;
            }
        }
        throw new IllegalArgumentException("unknown deployment " + code);
    }
}
