package iru.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A Dockerfile read into instructions (continuations joined, comments dropped), grouped by stage (each FROM). */
record Dockerfile(List<List<Instruction>> stages) {

    /** One instruction: the keyword in upper case and the rest of the line as written. */
    record Instruction(String keyword, String arguments) {
        /** The arguments of an exec-form (JSON array) instruction, or empty for the shell form. */
        Optional<List<String>> execForm() {
            String text = arguments.strip();
            if (keyword.equals("HEALTHCHECK")) {
                int cmd = text.indexOf("CMD");
                text = cmd < 0 ? "" : text.substring(cmd + 3).strip();
            }
            if (!text.startsWith("[") || !text.endsWith("]")) {
                return Optional.empty();
            }
            List<String> items = new ArrayList<>();
            String body = text.substring(1, text.length() - 1).strip();
            int i = 0;
            while (i < body.length()) {
                if (body.charAt(i) != '"') {
                    return Optional.empty();
                }
                StringBuilder item = new StringBuilder();
                i++;
                while (i < body.length() && body.charAt(i) != '"') {
                    if (body.charAt(i) == '\\' && i + 1 < body.length()) {
                        i++;
                    }
                    item.append(body.charAt(i++));
                }
                items.add(item.toString());
                i++;
                while (i < body.length() && (body.charAt(i) == ',' || Character.isWhitespace(body.charAt(i)))) {
                    i++;
                }
            }
            return Optional.of(items);
        }
    }

    static Dockerfile read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    static Dockerfile parse(String text) {
        List<String> logical = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String stripped = line.strip();
            if (current.isEmpty() && (stripped.isEmpty() || stripped.startsWith("#"))) {
                continue;
            }
            if (!current.isEmpty() && stripped.startsWith("#")) {
                continue; // a comment inside a continued instruction
            }
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
            } else {
                current.append(stripped);
                logical.add(current.toString());
                current.setLength(0);
            }
        }
        if (!current.isEmpty()) {
            logical.add(current.toString());
        }
        List<List<Instruction>> stages = new ArrayList<>();
        for (String instruction : logical) {
            String[] parts = instruction.split("\\s+", 2);
            Instruction parsed = new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : "");
            if (parsed.keyword().equals("FROM") || stages.isEmpty()) {
                stages.add(new ArrayList<>());
            }
            stages.getLast().add(parsed);
        }
        return new Dockerfile(stages);
    }

    List<Instruction> finalStage() {
        return stages.isEmpty() ? List.of() : stages.getLast();
    }

    /** The last instruction with this keyword in the final stage (the one that takes effect). */
    Optional<Instruction> last(String keyword) {
        return finalStage().stream().filter(i -> i.keyword().equals(keyword)).reduce((a, b) -> b);
    }
}
