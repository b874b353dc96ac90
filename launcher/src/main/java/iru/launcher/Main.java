package iru.launcher;

import iru.foundation.logging.JsonLogging;
import picocli.CommandLine;

/** Entry point of both planes and the one-shot commands. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        JsonLogging.install();
        System.exit(commandLine().execute(args));
    }

    /** The configured command tree; tests run it in-process. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new IruCommand());
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
