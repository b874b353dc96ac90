package iru.launcher;

import iru.foundation.config.IruConfig;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "workers", mixinStandardHelpOptions = true,
        description = {
            "Runs only the provisioning workers (and the health probes /livez and /readyz, on IRU_HTTP_PORT, default",
            "8082) as the tenant plane's database role: they claim due outbox records of every served region and",
            "deliver them to the applications' SCIM endpoints. Stops on SIGTERM, handing back its leases.",
            "Configuration: IRU_WORKER_COUNT, IRU_WORKER_POOL_MAX, IRU_WORKER_BATCH, IRU_WORKER_LEASE_SECONDS,",
            "IRU_WORKER_DELIVERY_TIMEOUT_SECONDS, IRU_WORKER_MAX_ATTEMPTS, IRU_WORKER_BACKOFF_* (see README.md)."})
final class WorkersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    IruCommand parent;

    @Override
    public Integer call() {
        IruConfig config = parent.config();
        if (!config.workers().enabled()) {
            spec.commandLine().getErr().println("iru: IRU_WORKERS=off: there is nothing for `iru workers` to run");
            return 2;
        }
        var secrets = Secrets.store(config);
        PlaneRuntime runtime = PlaneRuntime.startWorkers(config, List.of(), secrets,
                PlaneWiring.scimDelivery(config, secrets));
        return IruCommand.serveUntilSignalled(spec, runtime, "provisioning workers");
    }
}
