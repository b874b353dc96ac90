package iru.interfaces.http;

import iru.domain.common.Page;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The JSON shape of every list: `{"items": [...], "nextCursor": ...}`. */
public final class Lists {
    private Lists() {
    }

    public static <T> Map<String, Object> page(Page<T> page, Function<T, Map<String, Object>> item) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.items().stream().map(item).toList());
        body.put("nextCursor", page.next().map(PageParameters::encode).orElse(null));
        return body;
    }

    public static <T> Map<String, Object> all(List<T> items, Function<T, Map<String, Object>> item) {
        return Map.of("items", items.stream().map(item).toList());
    }
}
