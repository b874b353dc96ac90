package iru.foundation.config;

import java.util.Arrays;
import java.util.Optional;

/** A data-residency region. Tenant data never leaves the database of its region. */
public enum Region {
    US("us", "us-east-2"),
    EU("eu", "eu-central-1");

    private final String code;
    private final String awsRegion;

    Region(String code, String awsRegion) {
        this.code = code;
        this.awsRegion = awsRegion;
    }

    public String code() {
        return code;
    }

    public String awsRegion() {
        return awsRegion;
    }

    /** The region with this short code (`us`, `eu`), if there is one; never a default. */
    public static Optional<Region> fromCode(String code) {
        if (code == null) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(r -> r.code.equals(code)).findFirst();
    }

    @Override
    public String toString() {
        return code;
    }
}
