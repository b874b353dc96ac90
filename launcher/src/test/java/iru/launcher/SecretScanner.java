package iru.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Looks for things that look like committed secrets: AWS access key ids, PEM private key blocks, and long
 * high-entropy literals assigned to a name that says SECRET, TOKEN or PASSWORD. Deliberately simple and
 * conservative: a finding is either a real leak or a test fixture that must be named, with its reason, in the
 * scanning test's allow list.
 */
final class SecretScanner {
    /**
     * A hit: where, which rule, a redacted excerpt, and the matched value itself, which is compared against the allow
     * list and never printed (the scanner does not repeat a leak into build logs).
     */
    record Finding(String location, int line, String rule, String excerpt, String value) {
        @Override
        public String toString() {
            return location + ":" + line + " [" + rule + "] " + excerpt;
        }
    }

    private static final Pattern AWS_ACCESS_KEY = Pattern.compile(
            "(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}(?![A-Z0-9])");
    /** A PEM private key block with a body: PEM parsers carry the bare header line as a constant, keys do not. */
    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----\\r?\\n(?:Proc-Type:|[A-Za-z0-9+/=]{40,})");
    /** NAME = "value" / NAME: 'value' / "NAME": "value", the name ending in or containing a secret word. */
    private static final Pattern QUOTED_ASSIGNMENT = Pattern.compile(
            "(?i)([A-Z0-9_.-]*(?:SECRET|TOKEN|PASSWORD|PASSWD)[A-Z0-9_.-]*)[\"']?\\s*(?::|=|,)\\s*([\"'])([^\"'\\s]{16,})\\2");
    /** The same unquoted, in configuration and script files where values are not quoted. */
    private static final Pattern BARE_ASSIGNMENT = Pattern.compile(
            "(?im)^\\s*(?:export\\s+)?([A-Z0-9_.-]*(?:SECRET|TOKEN|PASSWORD|PASSWD)[A-Z0-9_.-]*)\\s*[:=]\\s*([^\"'\\s#]{16,})\\s*$");
    private static final Set<String> CONFIG_EXTENSIONS = Set.of("yaml", "yml", "properties", "env", "conf", "cfg",
            "ini", "toml", "sh");
    /** Bits per character above which a long literal is more likely a key than a word or a path. */
    private static final double ENTROPY_THRESHOLD = 3.5;
    private static final long LARGEST_FILE = 128L * 1024 * 1024;

    private SecretScanner() {
    }

    /** Findings in one text (or binary, read as Latin-1: class files keep their string constants readable). */
    static List<Finding> scan(String location, String text) {
        List<Finding> findings = new ArrayList<>();
        find(findings, location, text, AWS_ACCESS_KEY, "aws-access-key-id");
        find(findings, location, text, PRIVATE_KEY, "private-key");
        Matcher quoted = QUOTED_ASSIGNMENT.matcher(text);
        while (quoted.find()) {
            if (looksRandom(quoted.group(3))) {
                findings.add(finding(location, text, quoted.start(), "secret-assignment", quoted.group(1),
                        quoted.group(3)));
            }
        }
        String extension = location.substring(location.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        if (CONFIG_EXTENSIONS.contains(extension) || location.endsWith("/.env")) {
            Matcher bare = BARE_ASSIGNMENT.matcher(text);
            while (bare.find()) {
                if (looksRandom(bare.group(2))) {
                    findings.add(finding(location, text, bare.start(), "secret-assignment", bare.group(1),
                            bare.group(2)));
                }
            }
        }
        return findings;
    }

    /** Findings in a file; a jar or zip is opened and each entry scanned as `file!entry`. */
    static List<Finding> scanFile(Path file, String location) throws IOException {
        if (Files.size(file) > LARGEST_FILE) {
            throw new IOException(location + " is larger than " + LARGEST_FILE + " bytes; scan it another way");
        }
        String name = file.getFileName().toString();
        if (name.endsWith(".jar") || name.endsWith(".zip")) {
            List<Finding> findings = new ArrayList<>();
            try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
                ZipEntry entry;
                while ((entry = zip.getNextEntry()) != null) {
                    if (!entry.isDirectory()) {
                        findings.addAll(scan(location + "!" + entry.getName(), read(zip)));
                    }
                }
            }
            return findings;
        }
        return scan(location, Files.readString(file, StandardCharsets.ISO_8859_1));
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private static void find(List<Finding> findings, String location, String text, Pattern pattern, String rule) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            findings.add(finding(location, text, m.start(), rule, m.group(), m.group()));
        }
    }

    private static Finding finding(String location, String text, int offset, String rule, String what, String value) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        String redacted = what.length() <= 8 ? what : what.substring(0, 8) + "…";
        return new Finding(location, line, rule, redacted, value);
    }

    /**
     * Long, not a placeholder, with the character spread of a key rather than of words: letters and digits, and
     * either both cases (base64, base62) or, for hex and other single-case keys, at least 32 characters.
     */
    static boolean looksRandom(String value) {
        if (value.contains("${") || value.contains("{{") || value.startsWith("<") || value.length() < 16
                || entropy(value) < ENTROPY_THRESHOLD) {
            return false;
        }
        boolean digit = value.chars().anyMatch(Character::isDigit);
        boolean lower = value.chars().anyMatch(Character::isLowerCase);
        boolean upper = value.chars().anyMatch(Character::isUpperCase);
        return digit && (lower || upper) && ((lower && upper) || value.length() >= 32);
    }

    static double entropy(String value) {
        Map<Character, Integer> counts = new HashMap<>();
        for (char c : value.toCharArray()) {
            counts.merge(c, 1, Integer::sum);
        }
        double bits = 0;
        for (int count : counts.values()) {
            double p = (double) count / value.length();
            bits -= p * Math.log(p) / Math.log(2);
        }
        return bits;
    }
}
