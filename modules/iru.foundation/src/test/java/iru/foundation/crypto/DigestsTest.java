package iru.foundation.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** SHA-256 from copies of one digest: the standard's test vectors, from many threads at once, parts as one input. */
class DigestsTest {
    static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void matchesTheStandardVectorsFromManyThreadsAtOnce() throws Exception {
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                String input = i % 2 == 0 ? "abc" : "";
                results.add(threads.submit(() -> HexFormat.of().formatHex(Digests.sha256(input))));
            }
            for (int i = 0; i < results.size(); i++) {
                assertEquals(i % 2 == 0 ? ABC : EMPTY, results.get(i).get());
            }
        }
    }

    @Test
    void partsAreHashedAsOneInput() {
        assertEquals(ABC, HexFormat.of().formatHex(Digests.sha256("a".getBytes(StandardCharsets.UTF_8),
                "bc".getBytes(StandardCharsets.UTF_8))));
    }
}
