package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import iru.foundation.config.IruConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The ECS task definitions in deploy/ecs/ keep every hardening promise: Fargate, read-only root with only an
 * ephemeral /tmp writable, a fixed non-root user, no capabilities, an init process, not privileged, a /livez health
 * check, a stop timeout longer than the drain, IAM database logins and secrets only from Secrets Manager. Each rule
 * is also shown to catch its weakening, so a rule that can no longer fail is itself a failure.
 */
class TaskDefinitionsTest {
    private static final Path DEFINITIONS = Path.of("..", "deploy", "ecs");
    private static final Map<String, String> REGION_CODES = Map.of("us-east-2", "us", "eu-central-1", "eu");
    private static final Set<String> PLANES = Set.of("tenant", "control");
    private static final List<String> HEALTH_CHECK = List.of("CMD", "/opt/iru/runtime/bin/java",
            "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=/tmp", "-p", "/opt/iru/lib", "-m", "launcher",
            "healthcheck"); // the image has no shell: the same exec form as the Dockerfile's HEALTHCHECK
    /** Fargate's ceiling for `stopTimeout`. */
    private static final int FARGATE_MAX_STOP_SECONDS = 120;
    /** Time the shutdown needs after the drain: stop the listener, workers, flush traces and errors, close pools. */
    private static final int AFTER_DRAIN_SECONDS = 15;
    /** Words that make a variable name a secret's name; such a value belongs in `secrets`, never `environment`. */
    private static final Set<String> SECRET_WORDS = Set.of("SECRET", "TOKEN", "PASSWORD", "PASSWD", "PWD", "DSN",
            "CREDENTIAL", "CREDENTIALS", "KEY", "APIKEY", "PRIVATE");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{[A-Z0-9_]+}");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void oneDefinitionPerPlanePerRegionAndNothingElse() throws IOException {
        Set<String> expected = new TreeSet<>();
        REGION_CODES.keySet().forEach(region -> PLANES.forEach(plane -> expected.add(region + "/" + plane + ".json")));
        Set<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(DEFINITIONS)) {
            files.filter(Files::isRegularFile).forEach(f -> found.add(DEFINITIONS.relativize(f).toString()));
        }
        assertEquals(expected, found);
    }

    @Test
    void everyDefinitionKeepsEveryHardeningProperty() throws IOException {
        for (String region : REGION_CODES.keySet()) {
            for (String plane : PLANES) {
                JsonNode definition = load(region, plane);
                List<String> violations = violations(definition, region, plane);
                assertEquals(List.of(), violations, region + "/" + plane + ".json");
            }
        }
    }

    /** The environment is a complete production configuration: it parses with production's refusals switched on. */
    @Test
    void everyEnvironmentIsAValidProductionConfiguration() throws IOException {
        for (String region : REGION_CODES.keySet()) {
            for (String plane : PLANES) {
                Map<String, String> env = new HashMap<>();
                container(load(region, plane)).get("environment").forEach(v -> env.put(v.get("name").asText(),
                        PLACEHOLDER.matcher(v.get("value").asText()).replaceAll("example")));
                IruConfig config = IruConfig.from(env);
                assertTrue(config.production() && config.database().iamAuthentication(), region + "/" + plane);
                assertEquals(REGION_CODES.get(region), config.servedRegions().iterator().next().code());
                assertEquals(1, config.servedRegions().size(), "a regional deployment serves its own region only");
                assertEquals(region, config.servedRegions().iterator().next().awsRegion());
            }
        }
    }

    /** Each weakening of a sound definition is reported: the rules above cannot silently stop checking. */
    @Test
    void rulesCatchEveryWeakening() throws IOException {
        JsonNode sound = load("us-east-2", "tenant");
        Map<String, Consumer<ObjectNode>> weakenings = new java.util.LinkedHashMap<>();
        weakenings.put("writable root", c -> c.put("readonlyRootFilesystem", false));
        weakenings.put("no read-only flag", c -> c.remove("readonlyRootFilesystem"));
        weakenings.put("root user", c -> c.put("user", "0:0"));
        weakenings.put("named root", c -> c.put("user", "root"));
        weakenings.put("no user", c -> c.remove("user"));
        weakenings.put("privileged", c -> c.put("privileged", true));
        weakenings.put("capabilities kept", c -> ((ObjectNode) c.get("linuxParameters").get("capabilities"))
                .putArray("drop").add("NET_RAW"));
        weakenings.put("capability added", c -> ((ObjectNode) c.get("linuxParameters").get("capabilities"))
                .putArray("add").add("SYS_PTRACE"));
        weakenings.put("no init", c -> ((ObjectNode) c.get("linuxParameters")).put("initProcessEnabled", false));
        weakenings.put("docker security options", c -> c.putArray("dockerSecurityOptions").add("no-new-privileges"));
        weakenings.put("no /tmp", c -> c.putArray("mountPoints"));
        weakenings.put("second writable mount", c -> ((ArrayNode) c.get("mountPoints")).addObject()
                .put("sourceVolume", "tmp").put("containerPath", "/opt/iru").put("readOnly", false));
        weakenings.put("health check elsewhere", c -> ((ObjectNode) c.get("healthCheck")).putArray("command")
                .add("CMD-SHELL").add("true"));
        weakenings.put("short stop", c -> c.put("stopTimeout", 20));
        weakenings.put("stop beyond Fargate", c -> c.put("stopTimeout", 300));
        weakenings.put("password login", c -> environment(c, "IRU_DB_AUTH", "password"));
        weakenings.put("dev secrets", c -> environment(c, "IRU_SECRETS", "dev"));
        weakenings.put("secret in environment", c -> ((ArrayNode) c.get("environment")).addObject()
                .put("name", "IRU_SENTRY_DSN").put("value", "https://abc@o1.ingest.sentry.io/1"));
        weakenings.put("password in environment", c -> ((ArrayNode) c.get("environment")).addObject()
                .put("name", "IRU_DB_TENANT_PASSWORD").put("value", "hunter2"));
        weakenings.put("secret from elsewhere", c -> ((ObjectNode) c.get("secrets").get(0))
                .put("valueFrom", "arn:aws:ssm:us-east-2:111122223333:parameter/iru/sentry-dsn"));
        weakenings.put("secret from another region", c -> ((ObjectNode) c.get("secrets").get(0))
                .put("valueFrom", "arn:aws:secretsmanager:eu-central-1:${AWS_ACCOUNT_ID}:secret:iru/sentry-dsn"));
        weakenings.put("database of another region", c -> environment(c, "IRU_DB_US_URL",
                "jdbc:postgresql://iru-us.cluster-x.eu-central-1.rds.amazonaws.com:5432/iru_us"));
        for (var weakening : weakenings.entrySet()) {
            ObjectNode copy = sound.deepCopy();
            weakening.getValue().accept((ObjectNode) container(copy));
            assertFalse(violations(copy, "us-east-2", "tenant").isEmpty(), weakening.getKey() + " went unnoticed");
        }
        ObjectNode ec2 = sound.deepCopy();
        ec2.putArray("requiresCompatibilities").add("EC2");
        assertFalse(violations(ec2, "us-east-2", "tenant").isEmpty(), "EC2 went unnoticed");
        ObjectNode hostTmp = sound.deepCopy();
        ((ObjectNode) hostTmp.get("volumes").get(0)).putObject("host").put("sourcePath", "/var/tmp");
        assertFalse(violations(hostTmp, "us-east-2", "tenant").isEmpty(), "a host /tmp went unnoticed");
    }

    private static List<String> violations(JsonNode definition, String region, String plane) {
        List<String> v = new ArrayList<>();
        if (!texts(definition.path("requiresCompatibilities")).equals(List.of("FARGATE"))) {
            v.add("requiresCompatibilities must be [FARGATE]");
        }
        if (!"awsvpc".equals(definition.path("networkMode").asText())) {
            v.add("networkMode must be awsvpc");
        }
        if (definition.path("containerDefinitions").size() != 1) {
            v.add("exactly one container");
            return v;
        }
        JsonNode c = container(definition);
        if (!c.path("readonlyRootFilesystem").asBoolean(false)) {
            v.add("readonlyRootFilesystem must be true");
        }
        if (!c.path("user").asText("").matches("[1-9][0-9]{3,}:[1-9][0-9]{3,}")) {
            v.add("user must be a fixed non-root uid:gid, got '" + c.path("user").asText("") + "'");
        }
        if (c.path("privileged").asBoolean(false)) {
            v.add("privileged must be false");
        }
        JsonNode capabilities = c.path("linuxParameters").path("capabilities");
        if (!texts(capabilities.path("drop")).equals(List.of("ALL")) || capabilities.path("add").size() > 0) {
            v.add("linuxParameters.capabilities must drop ALL and add none");
        }
        if (!c.path("linuxParameters").path("initProcessEnabled").asBoolean(false)) {
            v.add("linuxParameters.initProcessEnabled must be true");
        }
        if (c.has("dockerSecurityOptions")) {
            v.add("dockerSecurityOptions is refused by Fargate; no-new-privileges comes from the Fargate platform");
        }
        v.addAll(writableMounts(definition, c));
        if (!texts(c.path("healthCheck").path("command")).equals(HEALTH_CHECK)) {
            v.add("healthCheck.command must be " + HEALTH_CHECK);
        }
        Map<String, String> env = new HashMap<>();
        c.path("environment").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        int drain = Integer.parseInt(env.getOrDefault("IRU_SHUTDOWN_DRAIN_SECONDS", "20"));
        int stop = c.path("stopTimeout").asInt(30);
        if (stop < drain + AFTER_DRAIN_SECONDS || stop > FARGATE_MAX_STOP_SECONDS) {
            v.add("stopTimeout must be between drain + " + AFTER_DRAIN_SECONDS + " s and " + FARGATE_MAX_STOP_SECONDS
                    + " s, got " + stop);
        }
        require(v, env, "IRU_ENV", "production");
        require(v, env, "IRU_DB_AUTH", "iam");
        require(v, env, "IRU_SECRETS", "aws");
        require(v, env, "IRU_AWS_REGION", region);
        env.keySet().stream().filter(TaskDefinitionsTest::looksSecret)
                .forEach(name -> v.add("environment variable " + name + " looks secret; use `secrets`"));
        String ownDatabase = "IRU_DB_" + REGION_CODES.get(region).toUpperCase(java.util.Locale.ROOT) + "_URL";
        if (!env.getOrDefault(ownDatabase, "").matches("jdbc:postgresql://[^/?]+\\." + Pattern.quote(region)
                + "\\.rds\\.amazonaws\\.com:5432/[a-z_]+")) {
            v.add(ownDatabase + " must be an RDS endpoint in " + region);
        }
        for (JsonNode secret : c.path("secrets")) {
            String from = secret.path("valueFrom").asText();
            if (!from.matches("arn:aws:secretsmanager:" + Pattern.quote(region) + ":(\\d{12}|\\$\\{AWS_ACCOUNT_ID}):secret:.+")) {
                v.add("secret " + secret.path("name").asText() + " must come from Secrets Manager in " + region);
            }
            if (env.containsKey(secret.path("name").asText())) {
                v.add("secret " + secret.path("name").asText() + " is also in environment");
            }
        }
        if (!c.path("command").toString().contains("--plane=" + plane)) {
            v.add("command must start the " + plane + " plane");
        }
        if (!region.equals(c.path("logConfiguration").path("options").path("awslogs-region").asText())) {
            v.add("logs must stay in " + region);
        }
        return v;
    }

    /** The only writable path is /tmp, on a task (ephemeral) volume: tmpfs is not available on Fargate. */
    private static List<String> writableMounts(JsonNode definition, JsonNode c) {
        List<String> v = new ArrayList<>();
        List<String> writable = new ArrayList<>();
        for (JsonNode mount : c.path("mountPoints")) {
            if (!mount.path("readOnly").asBoolean(false)) {
                writable.add(mount.path("containerPath").asText());
                for (JsonNode volume : definition.path("volumes")) {
                    if (volume.path("name").asText().equals(mount.path("sourceVolume").asText())
                            && (volume.has("host") || volume.has("efsVolumeConfiguration")
                                    || volume.has("dockerVolumeConfiguration"))) {
                        v.add("writable mount " + mount.path("containerPath").asText() + " must be ephemeral");
                    }
                }
            }
        }
        if (!writable.equals(List.of("/tmp"))) {
            v.add("the only writable mount must be /tmp, got " + writable);
        }
        return v;
    }

    static boolean looksSecret(String name) {
        for (String word : name.toUpperCase(java.util.Locale.ROOT).split("[^A-Z0-9]+")) {
            if (SECRET_WORDS.contains(word)) {
                return true;
            }
        }
        return false;
    }

    private static void require(List<String> v, Map<String, String> env, String name, String value) {
        if (!value.equals(env.get(name))) {
            v.add(name + " must be " + value + ", got " + env.get(name));
        }
    }

    private static void environment(ObjectNode container, String name, String value) {
        for (JsonNode e : container.get("environment")) {
            if (e.get("name").asText().equals(name)) {
                ((ObjectNode) e).put("value", value);
            }
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    private static JsonNode container(JsonNode definition) {
        return definition.path("containerDefinitions").path(0);
    }

    private static JsonNode load(String region, String plane) throws IOException {
        return JSON.readTree(DEFINITIONS.resolve(region).resolve(plane + ".json").toFile());
    }
}
