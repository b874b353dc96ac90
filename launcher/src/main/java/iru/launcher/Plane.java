package iru.launcher;

/** Which runtime this process is: the customer-facing tenant API or the privileged control plane. */
public enum Plane {
    tenant(8080),
    control(8081);

    private final int defaultPort;

    Plane(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    public int defaultPort() {
        return defaultPort;
    }
}
