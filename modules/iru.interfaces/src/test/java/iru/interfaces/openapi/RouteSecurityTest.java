package iru.interfaces.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A tenant-plane request finds the operation whose template its path fills, segment by segment: every documented operation is
 * found from a path that fills its parameters, and a path that only resembles one (an empty, missing or extra
 * segment, a trailing slash, another method) finds none, so the filter holds it to the document's default.
 */
class RouteSecurityTest {
    @Test
    void everyDocumentedOperationIsFoundFromAPathThatFillsItsTemplate() {
        RouteSecurity security = RouteSecurity.of(OpenApiService.TENANT_DOCUMENT);
        for (RouteSecurity.Operation operation : security.operations()) {
            String path = operation.template().replaceAll("\\{[^}]+}", "p-1");
            Optional<RouteSecurity.Operation> found = security.operationFor(operation.method(), path);
            assertTrue(found.isPresent(), operation + " from " + path);
            // A literal segment and a parameter may both fit a path; the document's first fit wins, and it must ask
            // the same of the caller as the operation itself.
            assertEquals(operation.requirement(), found.get().requirement(), operation + " from " + path);
        }
    }

    @Test
    void aPathThatOnlyResemblesATemplateFindsNoOperation() {
        RouteSecurity security = RouteSecurity.of(OpenApiService.TENANT_DOCUMENT);
        String user = "/t/acme/v1/users/6f1c2d3e-0000-4000-8000-000000000001";
        assertEquals("/t/{tenant}/v1/users/{userId}", security.operationFor("GET", user).orElseThrow().template());
        for (String resembling : List.of(user + "/", "/t//v1/users/1", "/t/acme/v1/users/", "/t/acme/v1/users/1/x/y",
                "t/acme/v1/users/1", "/t/acme/v1/userss/1", "/t/acme/v2/users/1", "")) {
            assertEquals(Optional.empty(), security.operationFor("GET", resembling), resembling);
        }
        assertEquals(Optional.empty(), security.operationFor("TRACE", user));
    }
}
