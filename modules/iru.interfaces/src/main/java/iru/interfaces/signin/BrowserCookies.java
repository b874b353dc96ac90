package iru.interfaces.signin;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The two browser cookies of the sign-in pages: the pre-session (binds ceremony challenges to the browser that
 * asked) and the session. Both are `__Host-` cookies: host-only, `Path=/`, `Secure` (browsers accept Secure
 * cookies from http://localhost, which they treat as a secure context), HttpOnly and SameSite=Lax, so script cannot
 * read them and cross-site POSTs do not carry them.
 */
final class BrowserCookies {
    static final String PRESESSION = "__Host-iru_presession";
    static final Duration PRESESSION_LIFETIME = Duration.ofMinutes(30);

    private BrowserCookies() {
    }

    static Optional<String> read(ServerRequest req, String name) {
        return req.headers().cookies().first(name).asOptional().filter(v -> !v.isEmpty());
    }

    static void set(ServerResponse res, String name, String value, Duration maxAge) {
        res.headers().add(HeaderNames.SET_COOKIE, name + "=" + value + "; Path=/; Max-Age=" + maxAge.toSeconds()
                + "; HttpOnly; Secure; SameSite=Lax");
    }

    static void clear(ServerResponse res, String name) {
        res.headers().add(HeaderNames.SET_COOKIE, name + "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax");
    }
}
