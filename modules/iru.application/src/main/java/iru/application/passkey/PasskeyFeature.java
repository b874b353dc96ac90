package iru.application.passkey;

import iru.application.identity.TenantTransactions;
import iru.application.session.Sessions;
import iru.domain.event.SecurityEventLog;
import iru.domain.passkey.CeremonyStore;
import iru.domain.passkey.PasskeyRepository;
import iru.domain.tenant.TenantRecords;
import iru.domain.user.UserRepository;
import iru.foundation.config.SignInSettings;
import iru.foundation.crypto.RandomTokens;
import java.time.Clock;

/** The passkey use cases, built together because they share one relying party, store and clock. */
public record PasskeyFeature(PasskeyRegistration registration, PasskeySignIn signIn, PasskeyManagement management) {
    public static PasskeyFeature create(TenantTransactions tx, UserRepository users, SecurityEventLog events,
            Sessions sessions, RandomTokens tokens, TenantRecords tenants, SignInSettings settings, Clock clock) {
        PasskeyRepository passkeys = new PasskeyRepository();
        Ceremonies ceremonies = new Ceremonies(tx, new CeremonyStore(), events, tokens, new RelyingParty(settings, tenants),
                clock);
        return new PasskeyFeature(new PasskeyRegistration(ceremonies, passkeys, users),
                new PasskeySignIn(ceremonies, passkeys, users, sessions),
                new PasskeyManagement(tx, passkeys, users, events));
    }
}
