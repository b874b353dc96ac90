package iru.domain.catalog;

import java.time.Instant;

/** A template as stored locally, with whether it may still be used for new applications. */
public record CatalogEntry(CatalogTemplate template, boolean deprecated, Instant syncedAt) {
}
