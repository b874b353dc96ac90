package iru.foundation.database;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A loopback PostgreSQL front that speaks the protocol's TLS negotiation (SSLRequest, then 'S' and a TLS handshake,
 * or 'N') and relays the decrypted stream to the local server, which itself runs without TLS. It counts what the
 * attack tests need: connections accepted, handshakes completed, and bytes a client sent on to the server (zero
 * means nothing, not even a startup message carrying a token, left the client).
 */
final class PostgresTlsProxy implements AutoCloseable {
    private static final int SSL_REQUEST = 80877103;

    private final ServerSocket listener;
    private final SSLContext tls;
    private final int upstreamPort;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger handshakes = new AtomicInteger();
    private final AtomicLong relayed = new AtomicLong();
    private final AtomicInteger finished = new AtomicInteger();

    private PostgresTlsProxy(SSLContext tls, int upstreamPort) throws IOException {
        this.tls = tls;
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptLoop);
    }

    /** Offers TLS with `tls`'s certificate. */
    static PostgresTlsProxy tls(SSLContext tls, int upstreamPort) throws IOException {
        return new PostgresTlsProxy(tls, upstreamPort);
    }

    /** Declines TLS ('N'), like a server with `ssl = off`. */
    static PostgresTlsProxy plaintext(int upstreamPort) throws IOException {
        return new PostgresTlsProxy(null, upstreamPort);
    }

    int port() {
        return listener.getLocalPort();
    }

    int accepted() {
        return accepted.get();
    }

    int handshakes() {
        return handshakes.get();
    }

    /** Bytes the clients sent on to the server, counted once every accepted conversation has ended. */
    long relayedToServer() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (finished.get() < accepted.get() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return relayed.get();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                accepted.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            DataInputStream in = new DataInputStream(client.getInputStream());
            int length = in.readInt();
            int code = in.readInt();
            Socket clientSide = client;
            byte[] pending = new byte[0];
            if (length == 8 && code == SSL_REQUEST) {
                client.getOutputStream().write(tls == null ? 'N' : 'S');
                client.getOutputStream().flush();
                if (tls != null) {
                    SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(client, null, true);
                    secured.setUseClientMode(false);
                    secured.startHandshake();
                    handshakes.incrementAndGet();
                    clientSide = secured;
                }
            } else {
                pending = ByteBuffer.allocate(8).putInt(length).putInt(code).array();
            }
            relay(clientSide, pending);
        } catch (IOException endOfConversation) {
            // the client hung up, refused our certificate, or the server closed: the conversation is over
        } finally {
            finished.incrementAndGet();
        }
    }

    private void relay(Socket clientSide, byte[] pending) throws IOException {
        try (Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            OutputStream toServer = server.getOutputStream();
            if (pending.length > 0) {
                toServer.write(pending);
                relayed.addAndGet(pending.length);
            }
            Thread back = Thread.ofVirtual().start(() -> copy(server, clientSide, null));
            copy(clientSide, server, relayed);
            server.close();
            back.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void copy(Socket from, Socket to, AtomicLong counted) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
                if (counted != null) {
                    counted.addAndGet(n);
                }
            }
            to.shutdownOutput();
        } catch (IOException | UnsupportedOperationException closed) {
            // either side closing ends the relay
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
