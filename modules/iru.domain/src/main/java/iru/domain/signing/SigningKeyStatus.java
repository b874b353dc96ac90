package iru.domain.signing;

/** Where a signing key is in its life: published ahead, signing, still published after, or gone from the JWKS. */
public enum SigningKeyStatus {
    next, active, retiring, retired;

    /** Whether relying parties see the key in the tenant's JWKS. */
    public boolean published() {
        return this != retired;
    }
}
