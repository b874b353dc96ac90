package iru.application.catalog;

import iru.domain.catalog.CatalogTemplate;
import iru.foundation.secrets.Secret;
import java.util.List;

/** The upstream catalog service. Implementations throw {@link CatalogUnavailableException} on any failure. */
public interface CatalogFeed {
    List<CatalogTemplate> fetch(Secret credential);
}
