package iru.foundation.secrets;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A secret value. Never printed: {@link #toString()} is redacted, and callers reveal it only where it is used. */
public final class Secret {
    private final byte[] value;

    public Secret(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a secret must not be empty");
        }
        this.value = value.getBytes(StandardCharsets.UTF_8);
    }

    public String reveal() {
        return new String(value, StandardCharsets.UTF_8);
    }

    public byte[] bytes() {
        return Arrays.copyOf(value, value.length);
    }

    @Override
    public String toString() {
        return "Secret[redacted]";
    }
}
