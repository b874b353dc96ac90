package iru.domain.common;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/** One page of a list in stable id order, and the id to continue after, if there is more. */
public record Page<T>(List<T> items, Optional<UUID> next) {
    public Page {
        items = List.copyOf(items);
    }

    /** Builds a page from `limit + 1` fetched rows: the extra row only says that there is more. */
    public static <T> Page<T> of(List<T> fetched, int limit, Function<T, UUID> id) {
        if (fetched.size() <= limit) {
            return new Page<>(fetched, Optional.empty());
        }
        List<T> items = fetched.subList(0, limit);
        return new Page<>(items, Optional.of(id.apply(items.getLast())));
    }
}
