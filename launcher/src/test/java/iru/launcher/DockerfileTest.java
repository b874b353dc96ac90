package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The image's hardening promises, read from the repository's Dockerfile; each check is shown to catch a weakening. */
class DockerfileTest {
    static final Path DOCKERFILE = Path.of("..", "Dockerfile");
    private static final Pattern PACKAGE_MANAGER = Pattern.compile(
            "(^|[\\s;&|/])(apt|apt-get|aptitude|dpkg|apk|yum|dnf|microdnf|rpm|zypper|pip3?|gem|npm)(\\s|$)");
    static final String JAVA = "/opt/iru/runtime/bin/java";

    /** Every broken promise of the final (runtime) stage; empty when the image is hardened as documented. */
    static List<String> violations(Dockerfile file) {
        List<String> problems = new ArrayList<>();
        if (file.stages().size() < 2) {
            problems.add("not multi-stage: the build must not happen in the runtime image");
        }
        Optional<Dockerfile.Instruction> user = file.last("USER");
        if (user.isEmpty()) {
            problems.add("no USER in the final stage: the container would run as root");
        } else {
            String[] ids = user.get().arguments().strip().split(":", -1);
            if (ids.length != 2 || !ids[0].matches("[1-9][0-9]*") || !ids[1].matches("[1-9][0-9]*")) {
                problems.add("USER must be a fixed non-root numeric UID:GID, not " + user.get().arguments());
            }
        }
        Optional<Dockerfile.Instruction> health = file.last("HEALTHCHECK");
        Optional<List<String>> probe = health.flatMap(Dockerfile.Instruction::execForm);
        if (health.isEmpty() || health.get().arguments().strip().equalsIgnoreCase("NONE")) {
            problems.add("no HEALTHCHECK");
        } else if (probe.isEmpty() || !probe.get().getFirst().equals(JAVA)
                || !probe.get().subList(probe.get().size() - 3, probe.get().size())
                        .equals(List.of("-m", "launcher", "healthcheck"))) {
            problems.add("HEALTHCHECK must run `launcher healthcheck` (GET /livez) in exec form, without a shell");
        }
        Optional<List<String>> entrypoint = file.last("ENTRYPOINT").flatMap(Dockerfile.Instruction::execForm);
        if (entrypoint.isEmpty()) {
            problems.add("ENTRYPOINT missing or in shell form");
        } else {
            List<String> command = entrypoint.get();
            if (!command.getFirst().equals(JAVA) || command.size() < 2
                    || !command.subList(command.size() - 2, command.size()).equals(List.of("-m", "launcher"))) {
                problems.add("ENTRYPOINT must start the launcher module with the jlink runtime, arguments appended: "
                        + command);
            }
            for (String flag : List.of("-XX:-UsePerfData", "-Djava.io.tmpdir=/tmp")) {
                if (!command.contains(flag)) {
                    problems.add("ENTRYPOINT lacks " + flag + " (the JVM must write only /tmp)");
                }
            }
        }
        for (Dockerfile.Instruction instruction : file.finalStage()) {
            if (instruction.keyword().equals("RUN") && PACKAGE_MANAGER.matcher(instruction.arguments()).find()) {
                problems.add("the final stage runs a package manager: " + instruction.arguments());
            }
        }
        String exposed = file.last("EXPOSE").map(Dockerfile.Instruction::arguments).orElse("");
        for (Plane plane : Plane.values()) {
            if (!List.of(exposed.split("\\s+")).contains(String.valueOf(plane.defaultPort()))) {
                problems.add("EXPOSE lacks the " + plane + " plane's port " + plane.defaultPort());
            }
        }
        return problems;
    }

    private static String repositoryDockerfile() throws Exception {
        return Files.readString(DOCKERFILE);
    }

    @Test
    void theRepositoryDockerfileKeepsEveryPromise() throws Exception {
        assertEquals(List.of(), violations(Dockerfile.read(DOCKERFILE)));
    }

    @Test
    void rootOrAMissingUserIsRefused() throws Exception {
        String original = repositoryDockerfile();
        assertTrue(original.contains("USER 65532:65532"), "the test edits this line");
        for (String user : List.of("USER root", "USER 0", "USER 0:0", "USER 65532:0", "USER root:root", "USER nonroot")) {
            assertHasViolation(original.replace("USER 65532:65532", user), "USER");
        }
        assertHasViolation(original.replace("USER 65532:65532", ""), "no USER");
        // A non-root USER in the build stage only does not count.
        assertHasViolation(original.replace("USER 65532:65532", "").replace("WORKDIR /src", "WORKDIR /src\nUSER 1000:1000"),
                "no USER");
        // A later USER root in the final stage wins over an earlier non-root one.
        assertHasViolation(original + "\nUSER root\n", "USER");
    }

    @Test
    void aMissingOrShellHealthcheckIsRefused() throws Exception {
        String original = repositoryDockerfile();
        String withoutHealthcheck = original.replaceAll("(?s)HEALTHCHECK .*?\"healthcheck\"\\]\n", "");
        assertTrue(!withoutHealthcheck.contains("HEALTHCHECK"), "the test removes the HEALTHCHECK");
        assertHasViolation(withoutHealthcheck, "HEALTHCHECK");
        assertHasViolation(original + "\nHEALTHCHECK NONE\n", "HEALTHCHECK");
        assertHasViolation(original + "\nHEALTHCHECK CMD curl -f http://localhost:8080/livez || exit 1\n", "HEALTHCHECK");
    }

    @Test
    void anEntrypointThatIsNotTheLauncherIsRefused() throws Exception {
        String original = repositoryDockerfile();
        assertHasViolation(original + "\nENTRYPOINT [\"/bin/sh\", \"-c\", \"/opt/iru/bin/iru\"]\n", "ENTRYPOINT");
        assertHasViolation(original + "\nENTRYPOINT /opt/iru/runtime/bin/java -p /opt/iru/lib -m launcher\n", "ENTRYPOINT");
        assertHasViolation(original.replace("\"-XX:-UsePerfData\", \"-Djava.io.tmpdir=/tmp\", \\\n            \"-XX:Error",
                "\"-Djava.io.tmpdir=/tmp\", \\\n            \"-XX:Error"), "UsePerfData");
        String noEntrypoint = original.replaceAll("(?s)ENTRYPOINT \\[.*?\"launcher\"\\]\n", "");
        assertTrue(!noEntrypoint.contains("ENTRYPOINT"), "the test removes the ENTRYPOINT");
        assertHasViolation(noEntrypoint, "ENTRYPOINT");
    }

    @Test
    void aPackageManagerInTheFinalStageIsRefused() throws Exception {
        String original = repositoryDockerfile();
        for (String run : List.of("RUN apt-get update && apt-get install -y curl", "RUN apk add --no-cache curl",
                "RUN /usr/bin/dnf -y install curl", "RUN set -e; microdnf install shadow-utils")) {
            assertHasViolation(original + "\n" + run + "\n", "package manager");
        }
        // The build stage may use one: only the runtime stage is judged.
        assertEquals(List.of(), violations(Dockerfile.parse(
                original.replace("WORKDIR /src", "WORKDIR /src\nRUN apt-get update"))));
    }

    @Test
    void aSingleStageImageIsRefused() throws Exception {
        String original = repositoryDockerfile();
        String single = original.substring(original.indexOf("FROM gcr.io"));
        assertHasViolation(single, "multi-stage");
    }

    private static void assertHasViolation(String dockerfile, String fragment) {
        List<String> found = violations(Dockerfile.parse(dockerfile));
        assertTrue(found.stream().anyMatch(v -> v.contains(fragment)),
                "expected a violation mentioning '" + fragment + "', got " + found + " for:\n" + dockerfile);
    }
}
