package iru.domain.apikey;

/** A key just created: the only moment its full value exists outside the caller's hands. */
public record IssuedApiKey(ApiKey key, String plaintext) {
    @Override
    public String toString() {
        return "IssuedApiKey[" + key.visiblePrefix() + "_<redacted>]";
    }
}
