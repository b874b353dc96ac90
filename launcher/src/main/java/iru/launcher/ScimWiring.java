package iru.launcher;

import iru.application.identity.TenantTransactions;
import iru.application.provisioning.OutboxQueue;
import iru.application.provisioning.ProvisioningQueue;
import iru.application.provisioning.ProvisioningState;
import iru.domain.application.ApplicationRepository;
import iru.domain.group.GroupRepository;
import iru.domain.provisioning.AppAccountRepository;
import iru.domain.provisioning.ProvisioningOutbox;
import iru.domain.tenant.TenantDirectory;
import iru.domain.user.UserRepository;
import iru.foundation.config.IruConfig;
import iru.foundation.database.OrmSessions;
import iru.foundation.database.TenantRegionRouter;
import iru.foundation.errors.ErrorReporter;
import iru.foundation.logging.StructuredLog;
import iru.foundation.net.OutboundAddressPolicy;
import iru.foundation.secrets.SecretStore;
import iru.foundation.telemetry.Telemetry;
import iru.foundation.workers.PeriodicWorker;
import iru.interfaces.provisioning.ReconciliationSweep;
import iru.interfaces.provisioning.ScimProvisioning;
import iru.interfaces.provisioning.ScimSettings;
import java.util.Map;
import java.util.Optional;

/** SCIM provisioning (delivery and reconciliation), wired by hand from a router, so workers can use their own pools. */
final class ScimWiring {
    private static final StructuredLog LOG = StructuredLog.of(ScimWiring.class);

    private ScimWiring() {
    }

    /** Where tenant-supplied SCIM URLs may point: production refuses every internal address, dev allows loopback. */
    static OutboundAddressPolicy.Mode outboundMode(IruConfig config) {
        return config.production() ? OutboundAddressPolicy.Mode.PRODUCTION : OutboundAddressPolicy.Mode.DEV;
    }

    /**
     * The delivery and the reconciler, reading and recording on `router`'s transactions (give it the workers' own
     * router for the delivery the workers call), enqueuing reconciliation's corrections through `queue`.
     */
    static ScimProvisioning provisioning(IruConfig config, TenantRegionRouter router, Telemetry telemetry,
            OrmSessions orm, SecretStore secrets, ProvisioningQueue queue) {
        UserRepository users = new UserRepository(orm);
        ProvisioningState state = new ProvisioningState(new TenantTransactions(router, telemetry), users,
                new GroupRepository(orm, users), new ApplicationRepository(orm, users), new AppAccountRepository());
        return ScimProvisioning.create(state, secrets, OutboundAddressPolicy.of(outboundMode(config)),
                ScimSettings.from(config.environment()), queue);
    }

    /** The periodic reconciliation of every provisioned application, unless its interval is 0. */
    static Optional<PeriodicWorker> periodicReconciliation(IruConfig config, TenantRegionRouter router,
            ScimProvisioning provisioning, ErrorReporter errors) {
        ScimSettings settings = ScimSettings.from(config.environment());
        if (settings.reconcileInterval().isZero()) {
            return Optional.empty();
        }
        ReconciliationSweep sweep = new ReconciliationSweep(router, new TenantDirectory(), config.servedRegions(),
                provisioning, settings.reconcileInterval(), "reconciler-" + java.util.UUID.randomUUID());
        return Optional.of(new PeriodicWorker("scim-reconciliation", settings.reconcileInterval(), () -> {
            var result = sweep.sweep();
            LOG.info("scim.reconciled", Map.of("reconciled", result.reconciled(), "skipped", result.skipped(),
                    "leased_elsewhere", result.leased(), "enqueued", result.enqueued()));
        }, errors).start());
    }

    /** Where reconciliation enqueues its corrections: the transactional outbox, in the reconciler's transaction. */
    static ProvisioningQueue outboxQueue() {
        return new OutboxQueue(new ProvisioningOutbox());
    }
}
