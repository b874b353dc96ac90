package iru.launcher;

import iru.foundation.config.IruConfig;
import iru.foundation.database.OrmSessions;
import iru.foundation.logging.StructuredLog;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

@Command(name = "iru", mixinStandardHelpOptions = true, version = "iru 0.1.0",
        description = {
            "Iru Identity: multi-tenant workforce identity.",
            "Starts one plane (--plane=tenant|control) or runs a one-shot subcommand.",
            "Configuration comes from the environment (IRU_HTTP_PORT, IRU_DB_*_URL, IRU_REGIONS, IRU_POOL_MAX, ...);",
            "see README.md for the full list."},
        subcommands = {MigrateCommand.class, VerifyAuditCommand.class, WorkersCommand.class,
                HealthcheckCommand.class})
final class IruCommand implements Callable<Integer> {
    private static final StructuredLog LOG = StructuredLog.of(IruCommand.class);

    private final Map<String, String> environment;

    @Spec
    CommandSpec spec;

    IruCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** The raw variables, for a command (healthcheck) that must not need a valid full configuration. */
    Map<String, String> environment() {
        return environment;
    }

    /** The configuration every command reads: the bundled defaults under the given environment. */
    IruConfig config() {
        return IruConfig.from(environment);
    }

    /** One variable of the environment this command reads, or null. */
    String environmentValue(String key) {
        return environment.get(key);
    }

    @Option(names = "--plane", paramLabel = "tenant|control",
            description = "Which runtime to start: tenant (customer API, port 8080) or control (admin, port 8081).")
    Plane plane;

    @Override
    public Integer call() {
        if (plane == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "missing --plane=tenant|control or a subcommand (migrate, verify-audit, workers, healthcheck)");
        }
        // Hibernate's boot needs no configuration: it begins before the configuration is read.
        OrmSessions booting = PlaneRuntime.bootOrm();
        IruConfig config;
        try {
            config = config();
        } catch (RuntimeException e) {
            booting.close();
            throw e;
        }
        return serveUntilSignalled(spec, PlaneRuntime.start(plane, config, booting), plane + " plane");
    }

    /** Announces the runtime, then runs its ordered stop on SIGTERM or SIGINT and returns once it has stopped. */
    static int serveUntilSignalled(CommandSpec spec, PlaneRuntime runtime, String what) {
        spec.commandLine().getOut().println("iru: " + what + " listening on http://127.0.0.1:" + runtime.port());
        spec.commandLine().getOut().flush();
        Thread stopper = Thread.ofPlatform().unstarted(runtime::stop);
        Signal.handle(new Signal("TERM"), signal -> startOnce(stopper, signal));
        Signal.handle(new Signal("INT"), signal -> startOnce(stopper, signal));
        runtime.awaitTermination();
        return 0;
    }

    private static void startOnce(Thread stopper, Signal signal) {
        synchronized (stopper) {
            if (stopper.getState() == Thread.State.NEW) {
                LOG.info("shutdown.signal", Map.of("signal", signal.getName()));
                stopper.start();
            }
        }
    }
}
