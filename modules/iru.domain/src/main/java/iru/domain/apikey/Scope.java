package iru.domain.apikey;

import iru.domain.validation.InvalidFieldException;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/** What an API key may do. `admin` implies every other scope and alone may manage keys. */
public enum Scope {
    ADMIN("admin"),
    USERS_READ("users:read"),
    USERS_WRITE("users:write"),
    GROUPS_READ("groups:read"),
    GROUPS_WRITE("groups:write"),
    APPS_READ("apps:read"),
    APPS_WRITE("apps:write"),
    EVENTS_READ("events:read");

    private final String wire;

    Scope(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Scope fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(value)).findFirst()
                .orElseThrow(() -> new InvalidFieldException("scopes", "unknown scope '" + value + "' (known: "
                        + String.join(", ", Arrays.stream(values()).map(Scope::wire).toList()) + ")"));
    }

    public static Set<Scope> fromWire(Collection<String> values) {
        if (values.isEmpty()) {
            throw new InvalidFieldException("scopes", "must name at least one scope");
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        values.forEach(v -> scopes.add(fromWire(v)));
        return scopes;
    }

    /** Whether a key holding `granted` may act with `required`. */
    public static boolean allows(Set<Scope> granted, Scope required) {
        return granted.contains(ADMIN) || granted.contains(required);
    }
}
