package iru.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP relay to one upstream (e.g. PostgreSQL) that can silence connections: every byte on a silenced
 * connection is swallowed in both directions and nothing is closed, so neither end hears a FIN or RST. That is what
 * a vanished NAT or firewall entry, or a dead network path, looks like to a socket, which only a timeout or a
 * keepalive can tell from a quiet peer. {@link #silenceOpenConnections()} kills the connections open now (new ones
 * work: a lost NAT entry); {@link #goSilent()} kills new ones too (a partition) until {@link #restore()}. A silenced
 * connection stays dead, as TCP connections across a partition do.
 */
public final class LoopbackTcpRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final String upstreamHost;
    private final int upstreamPort;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private volatile boolean silent;

    private LoopbackTcpRelay(String upstreamHost, int upstreamPort) throws IOException {
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("relay-accept").start(this::acceptLoop);
    }

    /** A relay to `hostAndPort` (`127.0.0.1:5432`, as {@link TestDatabases#HOST}) on a free loopback port. */
    public static LoopbackTcpRelay to(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        try {
            return new LoopbackTcpRelay(hostAndPort.substring(0, colon),
                    Integer.parseInt(hostAndPort.substring(colon + 1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Nothing gets through on the connections open now, ever again; new connections are relayed. */
    public void silenceOpenConnections() {
        links.forEach(link -> link.dead = true);
    }

    /** From now on nothing gets through, on the open connections and on new ones, and nothing is closed. */
    public void goSilent() {
        silent = true;
        silenceOpenConnections();
    }

    /** New connections are relayed again. */
    public void restore() {
        silent = false;
    }

    /** Connections accepted so far. */
    public int accepted() {
        return links.size();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException closed) {
                return;
            }
            Link link = new Link(client);
            links.add(link);
            if (silent) { // read after the add: a goSilent() meanwhile either sees the link or set `silent` first
                link.dead = true;
            }
            Thread.ofVirtual().start(() -> link.open(upstreamHost, upstreamPort));
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            links.forEach(Link::close);
        }
    }

    /** One relayed connection: two pumps that swallow instead of forwarding once the link is dead. */
    private static final class Link {
        private final Socket client;
        private volatile Socket upstream;
        volatile boolean dead;

        Link(Socket client) {
            this.client = client;
        }

        void open(String host, int port) {
            try {
                upstream = new Socket(host, port);
                Thread.ofVirtual().start(() -> pump(upstream, client));
                pump(client, upstream);
            } catch (IOException e) {
                close();
            }
        }

        private void pump(Socket from, Socket to) {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (!dead) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
                if (!dead) {
                    close(); // an orderly end while alive is passed on, as a live network would
                }
            } catch (IOException e) {
                if (!dead) {
                    close();
                }
            }
        }

        void close() {
            closeQuietly(client);
            closeQuietly(upstream);
        }

        private static void closeQuietly(Socket socket) {
            if (socket == null) {
                return;
            }
            try {
                socket.close();
            } catch (IOException alreadyGone) {
                // closing both ends of a relay: the other pump may have closed this one first
            }
        }
    }
}
