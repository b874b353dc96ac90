package iru.foundation.database;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

/** Signs an RDS IAM authentication token: the AWS SDK in production, a counting source in tests. */
@FunctionalInterface
public interface IamTokenSource {

    /** A token that logs `user` in to the database at `hostname:port`, signed for `awsRegion`. */
    String token(String hostname, int port, String user, String awsRegion);

    /** SigV4 presigned `rds-db:connect` requests from the AWS SDK, with credentials from `credentials`. */
    static IamTokenSource sdk(AwsCredentialsProvider credentials) {
        Map<String, RdsUtilities> byRegion = new ConcurrentHashMap<>();
        return (hostname, port, user, awsRegion) -> byRegion
                .computeIfAbsent(awsRegion, region -> RdsUtilities.builder()
                        .credentialsProvider(credentials)
                        .region(Region.of(region))
                        .build())
                .generateAuthenticationToken(request -> request.hostname(hostname).port(port).username(user));
    }
}
