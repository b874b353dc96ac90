package iru.interfaces.provisioning;

import iru.application.provisioning.ProvisioningDelivery;
import iru.application.provisioning.ProvisioningQueue;
import iru.application.provisioning.ProvisioningState;
import iru.foundation.net.OutboundAddressPolicy;
import iru.foundation.secrets.SecretStore;

/**
 * SCIM provisioning as the launcher wires it: the delivery the workers call and the reconciler, sharing one guarded
 * web client and reading the credential from the secret store for every batch of deliveries and every reconciliation.
 */
public final class ScimProvisioning {
    private final ProvisioningState state;
    private final ScimDelivery delivery;
    private final ScimReconciler reconciler;

    private ScimProvisioning(ProvisioningState state, ScimDelivery delivery, ScimReconciler reconciler) {
        this.state = state;
        this.delivery = delivery;
        this.reconciler = reconciler;
    }

    /**
     * @param state  reads and account records, on the transactions it was built with (the workers' own pool)
     * @param queue  where reconciliation enqueues its corrections (the outbox)
     * @param policy where SCIM calls may connect: production refuses every internal address
     */
    public static ScimProvisioning create(ProvisioningState state, SecretStore secrets, OutboundAddressPolicy policy,
            ScimSettings settings, ProvisioningQueue queue) {
        ScimEndpoints endpoints = ScimEndpoints.create(secrets, policy, settings);
        return new ScimProvisioning(state, new ScimDelivery(state, endpoints),
                new ScimReconciler(state, endpoints, queue, settings.pageSize()));
    }

    public ProvisioningDelivery delivery() {
        return delivery;
    }

    public ScimReconciler reconciler() {
        return reconciler;
    }

    ProvisioningState state() {
        return state;
    }
}
