package iru.launcher;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * When each milestone of a plane's start was reached, in ms since the start began (logged with `plane.started`), so
 * a slow start says where its time went without a profiler. Steps overlap: a milestone is when the start had what it
 * names, not how long that step took alone.
 */
final class StartupTimeline {
    private final long began = System.nanoTime();
    private final Map<String, Long> milestones = new LinkedHashMap<>();

    void reached(String milestone) {
        milestones.put(milestone, (System.nanoTime() - began) / 1_000_000);
    }

    Map<String, Long> milestones() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(milestones));
    }
}
