package iru.foundation.config;

import java.util.Objects;

/** A database login. The password never appears in {@link #toString()}. */
public record DatabaseCredentials(String user, String password) {
    public DatabaseCredentials {
        Objects.requireNonNull(user, "user");
        if (user.isBlank()) {
            throw new IllegalArgumentException("database user must not be blank");
        }
        password = password == null ? "" : password;
    }

    @Override
    public String toString() {
        return "DatabaseCredentials[user=" + user + ", password=" + (password.isEmpty() ? "<none>" : "<redacted>") + "]";
    }
}
