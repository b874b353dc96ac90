package iru.launcher;

/** Upstream catalog feeds used by the tests. */
final class CatalogFeeds {
    /** The bearer token the loopback upstream demands and the control plane sends (`IRU_DEV_CATALOG_TOKEN`). */
    static final String TOKEN = "catalog-secret";

    static final String SLACK = """
            {"key":"slack","name":"Slack","description":"Team chat","logoUrl":"https://cdn.example.com/slack.png",
             "protocols":["oidc","scim"],"scimCapabilities":{"users":true,"groups":true},
             "configurationSchema":{"type":"object","properties":{"workspace":{"type":"string"}}}}""";
    static final String GITHUB = """
            {"key":"github","name":"GitHub","description":"Code hosting","logoUrl":null,
             "protocols":["saml","scim"],"scimCapabilities":{"users":true,"groups":false},"configurationSchema":{}}""";
    static final String GITHUB_V2 = GITHUB.replace("Code hosting", "Code hosting and CI");
    static final String JIRA = """
            {"key":"jira","name":"Jira","description":"Issues","protocols":["oidc"]}""";

    private CatalogFeeds() {
    }

    static String of(String... templates) {
        return "{\"templates\":[" + String.join(",", templates) + "]}";
    }

    /** A loopback upstream catalog on a free port serving `templates`. */
    static iru.testkit.LoopbackCatalog serving(String... templates) {
        iru.testkit.LoopbackCatalog upstream = iru.testkit.LoopbackCatalog.start(TOKEN);
        upstream.serve(of(templates));
        return upstream;
    }
}
