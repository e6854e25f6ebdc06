package io.policygate.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * WireMock playing GitLab on a fixed free port (fixed so a test can stop and restart it to simulate a
 * refused connection). Injected into fields annotated {@link InjectGitLab}.
 */
public class GitLabWireMock implements QuarkusTestResourceLifecycleManager {

    private WireMockServer server;
    private Map<String, String> args = Map.of();

    /** Init args: "version" (GET /version's answer) and "user-status" (GET /user's status), set before start. */
    @Override
    public void init(Map<String, String> initArgs) {
        this.args = initArgs;
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(FakeGitLab.options().port(freePort()));
        server.start();
        // Accept from the first moment: the workers may report before a test has set its own stubs.
        GitLabStubs.acceptAll(server);
        if (args.containsKey("version")) {
            server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/api/v4/version")
                    .willReturn(GitLabStubs.json("{\"version\":\"" + args.get("version") + "\"}")));
        }
        if (args.containsKey("user-status")) {
            server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get("/api/v4/user")
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                            .withStatus(Integer.parseInt(args.get("user-status")))
                            .withBody("{\"message\":\"401 Unauthorized\"}")));
        }
        return Map.of("policy-gate.gitlab.url", server.baseUrl());
    }

    /** The server, once started. */
    protected WireMockServer server() {
        return server;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(
                server, new TestInjector.AnnotatedAndMatchesType(InjectGitLab.class, WireMockServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
