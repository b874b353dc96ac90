package iru.interfaces.health;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import iru.foundation.telemetry.Telemetry;

/**
 * `GET /metrics` in the Prometheus text format, on every plane's own port. Like `/livez` it asks for no credentials:
 * it is for the operator network's scraper and must not be exposed publicly (the labels carry no tenant or user ids,
 * but request rates and pool use are still operational detail).
 */
public final class MetricsService implements HttpService {
    private final Telemetry telemetry;

    public MetricsService(Telemetry telemetry) {
        this.telemetry = telemetry;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/metrics", this::scrape);
    }

    private void scrape(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, Telemetry.PROMETHEUS_CONTENT_TYPE);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(telemetry.scrapePrometheus());
    }
}
