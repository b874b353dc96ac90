package iru.application.catalog;

/** What one sync changed in the canonical (directory) catalog. */
public record CatalogSyncResult(int added, int updated, int unchanged, int removed, int deprecated, int total) {
}
