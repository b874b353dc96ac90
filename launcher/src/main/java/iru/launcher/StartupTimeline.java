package iru.launcher;

import java.lang.management.ManagementFactory;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * When each milestone of a plane's start was reached, in ms since the start began (logged with `plane.started`), so
 * a slow start says where its time went without a profiler. Steps overlap: a milestone is when the start had what it
 * names, not how long that step took alone. The first entry, `jvm_uptime_before`, is how long the JVM had run when
 * the start began (its own boot, the command line and the configuration, on a process's first start).
 */
final class StartupTimeline {
    private final long began = System.nanoTime();
    private final Map<String, Long> milestones = new LinkedHashMap<>();

    StartupTimeline() {
        milestones.put("jvm_uptime_before", ManagementFactory.getRuntimeMXBean().getUptime());
    }

    void reached(String milestone) {
        milestones.put(milestone, (System.nanoTime() - began) / 1_000_000);
    }

    Map<String, Long> milestones() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(milestones));
    }
}
