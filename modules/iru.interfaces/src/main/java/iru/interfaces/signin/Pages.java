package iru.interfaces.signin;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Server-rendered pages: no framework, one inline script per page allowed only by its CSP nonce, no third-party
 * resource, no framing. Every interpolated value goes through {@link #escape}.
 */
final class Pages {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Shared by the enroll and sign-in pages: base64url helpers and the two WebAuthn calls. */
    private static final String SCRIPT = """
            const enc = b => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
            const dec = s => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - s.length % 4) % 4)), c => c.charCodeAt(0));
            const root = document.body.dataset.base;
            const say = t => { document.getElementById('status').textContent = t; };
            const post = async (path, body) => {
              const r = await fetch(root + path, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body), credentials: 'same-origin'});
              const j = await r.json();
              if (!r.ok) throw new Error(j.detail || 'Something went wrong.');
              return j;
            };
            async function enroll() {
              const token = location.hash.slice(1) || new URLSearchParams(location.search).get('token') || '';
              const o = await post('/webauthn/registration/options', {enrollmentToken: token});
              const c = await navigator.credentials.create({publicKey: {
                challenge: dec(o.challenge), rp: o.rp, user: {id: dec(o.user.id), name: o.user.name, displayName: o.user.displayName},
                pubKeyCredParams: o.pubKeyCredParams, timeout: o.timeout, attestation: 'none',
                authenticatorSelection: o.authenticatorSelection,
                excludeCredentials: o.excludeCredentials.map(x => ({type: 'public-key', id: dec(x.id)}))}});
              await post('/webauthn/registration', {enrollmentToken: token, name: document.getElementById('name').value || 'Passkey',
                credential: {id: c.id, rawId: enc(c.rawId), type: c.type, authenticatorAttachment: c.authenticatorAttachment,
                  clientExtensionResults: c.getClientExtensionResults(),
                  response: {clientDataJSON: enc(c.response.clientDataJSON), attestationObject: enc(c.response.attestationObject),
                    transports: c.response.getTransports ? c.response.getTransports() : []}}});
              history.replaceState(null, '', location.pathname);
              say('Your passkey is ready. You can now sign in with it.');
            }
            async function signin() {
              const o = await post('/webauthn/authentication/options', {});
              const c = await navigator.credentials.get({publicKey: {challenge: dec(o.challenge), rpId: o.rpId,
                allowCredentials: [], userVerification: 'required', timeout: o.timeout}});
              const done = await post('/webauthn/authentication', {returnTo: document.body.dataset.returnTo,
                credential: {id: c.id, rawId: enc(c.rawId), type: c.type, authenticatorAttachment: c.authenticatorAttachment,
                  clientExtensionResults: c.getClientExtensionResults(),
                  response: {clientDataJSON: enc(c.response.clientDataJSON), authenticatorData: enc(c.response.authenticatorData),
                    signature: enc(c.response.signature), userHandle: c.response.userHandle ? enc(c.response.userHandle) : null}}});
              location.assign(done.redirect);
            }
            document.getElementById('go').addEventListener('click', () => {
              say('Waiting for your passkey…');
              (document.body.dataset.mode === 'enroll' ? enroll() : signin()).catch(e => say(e.message || 'Cancelled.'));
            });
            """;

    private Pages() {
    }

    /** An enroll or sign-in page: a button that starts the ceremony, and a status line. */
    static void ceremony(ServerResponse res, String title, String mode, String base, String returnTo, String body) {
        String nonce = nonce();
        send(res, nonce, 200, title, " data-mode=\"" + escape(mode) + "\" data-base=\"" + escape(base)
                + "\" data-return-to=\"" + escape(returnTo) + "\"", body
                + "<p id=\"status\" role=\"status\"></p><script nonce=\"" + nonce + "\">" + SCRIPT + "</script>");
    }

    static void send(ServerResponse res, String nonce, int status, String title, String bodyAttributes, String body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(HeaderNames.create("Content-Security-Policy"), "default-src 'none'; script-src 'nonce-" + nonce
                + "'; style-src 'nonce-" + nonce + "'; connect-src 'self'; form-action 'self'; frame-ancestors 'none';"
                + " base-uri 'none'");
        res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
        res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        res.send("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\""
                + " content=\"width=device-width, initial-scale=1\"><title>" + escape(title) + "</title><style nonce=\""
                + nonce + "\">body{font:16px system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}"
                + "button{font:inherit;padding:.4rem 1rem}li{margin:.5rem 0}</style></head><body" + bodyAttributes
                + "><h1>" + escape(title) + "</h1>" + body + "</body></html>");
    }

    static String nonce() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }
}
