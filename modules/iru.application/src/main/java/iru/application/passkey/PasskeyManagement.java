package iru.application.passkey;

import iru.application.identity.TenantTransactions;
import iru.domain.common.ResourceNotFoundException;
import iru.domain.common.Text;
import iru.domain.event.SecurityEventLog;
import iru.domain.passkey.Passkey;
import iru.domain.passkey.PasskeyRepository;
import iru.domain.tenant.TenantLocation;
import iru.domain.user.UserRepository;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Listing, renaming and removing a user's passkeys: by an administrator, or by the person on their account page. */
public final class PasskeyManagement {
    private final TenantTransactions tx;
    private final PasskeyRepository passkeys;
    private final UserRepository users;
    private final SecurityEventLog events;

    PasskeyManagement(TenantTransactions tx, PasskeyRepository passkeys, UserRepository users,
            SecurityEventLog events) {
        this.tx = tx;
        this.passkeys = passkeys;
        this.users = users;
        this.events = events;
    }

    /** The user's passkeys, oldest first; 404 if the user is not one of this tenant's. */
    public List<Passkey> list(TenantLocation tenant, UUID userId) {
        return tx.run("ListPasskeys", tenant, c -> {
            if (users.find(c, tenant.id(), userId).isEmpty()) {
                throw new ResourceNotFoundException("user", userId);
            }
            return passkeys.listForUser(c, tenant.id(), userId);
        });
    }

    public void rename(TenantLocation tenant, UUID userId, String credentialId, String name) {
        String newName = Text.required("name", name, 100);
        tx.run("RenamePasskey", tenant, c -> {
            if (!passkeys.rename(c, tenant.id(), userId, decode(credentialId), newName)) {
                throw new ResourceNotFoundException("passkey", credentialId);
            }
            events.append(c, tenant.id(), "passkey.renamed", Optional.of(userId.toString()),
                    Map.of("credentialId", credentialId, "name", newName));
            return null;
        });
    }

    /** Removes a passkey of this user in this tenant (its counter goes with it); 404 if there is none. */
    public void revoke(TenantLocation tenant, UUID userId, String credentialId) {
        tx.run("RevokePasskey", tenant, c -> {
            if (!passkeys.delete(c, tenant.id(), userId, decode(credentialId))) {
                throw new ResourceNotFoundException("passkey", credentialId);
            }
            events.append(c, tenant.id(), "passkey.revoked", Optional.of(userId.toString()),
                    Map.of("credentialId", credentialId));
            return null;
        });
    }

    private static byte[] decode(String credentialId) {
        try {
            if (credentialId.length() > 1400 || credentialId.contains("=")) {
                throw new IllegalArgumentException();
            }
            return Base64.getUrlDecoder().decode(credentialId);
        } catch (IllegalArgumentException e) {
            throw new ResourceNotFoundException("passkey", "(malformed id)");
        }
    }
}
