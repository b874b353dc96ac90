package iru.launcher;

import iru.foundation.logging.JsonLogging;
import java.util.Map;
import picocli.CommandLine;

/** Entry point of both planes and the one-shot commands. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        JsonLogging.install();
        System.exit(commandLine(System.getenv()).execute(args));
    }

    /** The configured command tree reading `environment`; tests run it in-process with their own. */
    public static CommandLine commandLine(Map<String, String> environment) {
        CommandLine cli = new CommandLine(new IruCommand(environment));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("iru: " + ex.getMessage() + " (see '"
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return CommandLine.ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("iru: " + StartupFailure.describe(ex));
            return CommandLine.ExitCode.SOFTWARE;
        });
        return cli;
    }
}
