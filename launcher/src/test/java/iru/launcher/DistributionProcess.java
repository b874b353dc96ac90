package iru.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the assembled distribution (`target/iru/bin/iru`) as a real process and collects its output lines. */
final class DistributionProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    final Process process;
    private final Path log;

    private DistributionProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Every line the process wrote so far (stdout and stderr), read from its log file. */
    List<String> lines() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path home() {
        String distribution = System.getProperty("iru.distribution");
        Path home = distribution != null ? Path.of(distribution) : Path.of("target", "iru");
        if (!Files.isExecutable(home.resolve("bin/iru"))) {
            throw new IllegalStateException("no distribution at " + home + "; run `mvn package` first");
        }
        return home;
    }

    static DistributionProcess start(Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(home().resolve("bin/iru").toString());
        command.addAll(List.of(args));
        return command(environment, command);
    }

    /** Starts any command line (e.g. the container's ENTRYPOINT) with the environment, collecting its output. */
    static DistributionProcess command(Map<String, String> environment, List<String> command) throws IOException {
        // A file, not a pipe: lines written just before exit must not depend on a reader thread keeping up.
        Path log = Files.createTempFile("iru-process", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return new DistributionProcess(builder.start(), log);
    }

    /** Runs a one-shot command to completion and returns its exit code. */
    static DistributionProcess run(Map<String, String> environment, String... args) throws Exception {
        DistributionProcess p = start(environment, args);
        if (!p.process.waitFor(60, TimeUnit.SECONDS)) {
            p.process.destroyForcibly();
            throw new AssertionError("command did not finish: " + List.of(args));
        }
        return p;
    }

    int awaitPort(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : lines()) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("process exited with " + process.exitValue() + ":\n" + output());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no listening line within " + timeout + ":\n" + output());
    }

    String output() {
        return String.join("\n", lines());
    }

    int indexOf(String fragment) {
        List<String> lines = lines();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignoredAlreadyGone) {
            // a temp file; nothing to do
        }
    }
}
