package iru.foundation.secrets;

import java.util.regex.Pattern;

/**
 * What a secret's name may be: lowercase segments of `[a-z0-9_-]` separated by single `/`, e.g. `admin-token` or
 * `scim/<tenant>/<app>`. Names built from outside input (tenant, application) cannot climb out of their prefix with
 * `..`, empty segments or characters Secrets Manager would treat differently, and stay far below its 512-character
 * limit together with the deployment's prefix.
 */
public final class SecretNames {
    public static final int MAX_LENGTH = 256;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*");

    private SecretNames() {
    }

    /** `name`, or {@link IllegalArgumentException} saying why it is not one. */
    public static String requireValid(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a secret name is 1-" + MAX_LENGTH
                    + " characters of lowercase segments [a-z0-9_-] separated by single '/', each starting with"
                    + " a letter or digit");
        }
        return name;
    }
}
