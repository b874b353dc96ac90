package iru.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layering is the compiler's to enforce; these tests prove it still is. */
class LayeringTest {
    /** Lower rank = lower layer. A module may require only modules of a lower rank. */
    private static final Map<String, Integer> RANK = Map.of(
            "iru.foundation", 0, "iru.domain", 1, "iru.application", 2, "iru.interfaces", 3, "launcher", 4);

    @Test
    void noModuleRequiresALayerAboveIt() {
        List<String> violations = new ArrayList<>();
        RANK.forEach((name, rank) -> {
            ModuleDescriptor descriptor = ModuleLayer.boot().findModule(name)
                    .orElseThrow(() -> new AssertionError(name + " is not on the module path"))
                    .getDescriptor();
            assertFalse(descriptor.isAutomatic() || descriptor.isOpen(), name + " must have a real, closed descriptor");
            for (ModuleDescriptor.Requires requires : descriptor.requires()) {
                Integer required = RANK.get(requires.name());
                if (required != null && required >= rank) {
                    violations.add(name + " requires " + requires.name());
                }
            }
        });
        assertEquals(List.of(), violations);
    }

    @Test
    void compilerRejectsUpwardImportFromDomainIntoApplication(@TempDir Path dir) throws Exception {
        String diagnostics = compileIntoDomain(dir, "iru.application.health.ReadinessCheck");
        assertTrue(diagnostics.contains("iru.application.health") && diagnostics.contains("not visible"), diagnostics);
    }

    @Test
    void compilerRejectsUpwardImportFromFoundationIntoInterfaces(@TempDir Path dir) throws Exception {
        String diagnostics = compile(dir, "iru.foundation", "iru.foundation.probe", "iru.interfaces.http.Problem");
        assertTrue(diagnostics.contains("iru.interfaces.http") && diagnostics.contains("not visible"), diagnostics);
    }

    @Test
    void sameProbeCompilesWhenImportingDownward(@TempDir Path dir) throws Exception {
        // The control: the probe itself is sound, so the failures above are the layering and nothing else.
        assertEquals("", compileIntoDomain(dir, "iru.foundation.config.Region"));
    }

    private static String compileIntoDomain(Path dir, String importedType) throws Exception {
        return compile(dir, "iru.domain", "iru.domain.probe", importedType);
    }

    private static String compile(Path dir, String module, String pkg, String importedType) throws Exception {
        Path source = dir.resolve("src").resolve(pkg.replace('.', '/')).resolve("Probe.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "package " + pkg + ";\nimport " + importedType + ";\n"
                + "public final class Probe { Class<?> c = " + importedType.substring(importedType.lastIndexOf('.') + 1)
                + ".class; }\n");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter out = new StringWriter();
        var task = javac.getTask(out, null, null, List.of(
                "--module-path", System.getProperty("jdk.module.path"),
                "--patch-module", module + "=" + dir.resolve("src"),
                "--add-modules", "launcher",
                "-d", dir.resolve("out").toString(),
                "-proc:none", "-implicit:none"),
                null, javac.getStandardFileManager(null, null, null).getJavaFileObjects(source));
        boolean ok = task.call();
        return ok ? "" : out.toString();
    }
}
