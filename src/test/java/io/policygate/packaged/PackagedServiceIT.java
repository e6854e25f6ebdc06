package io.policygate.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceProcess;
import io.policygate.testing.Webhooks;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as an operator runs it ({@code java -jar target/quarkus-app/quarkus-run.jar}), in its
 * own process: it refuses configurations that cannot work, and serves when configured.
 */
class PackagedServiceIT {

    @TempDir
    Path work;

    private String refusal(Map<String, String> env, String... jvmOptions) throws Exception {
        List<String> options = new ArrayList<>(List.of("-Xmx256m"));
        options.addAll(List.of(jvmOptions));
        try (ServiceProcess service = ServiceProcess.start(work, "refusal", options, env)) {
            assertTrue(service.process().waitFor(60, TimeUnit.SECONDS), "the service should have stopped on its own");
            assertNotEquals(0, service.process().exitValue(), service.log());
            return service.log();
        }
    }

    @Test
    void refusesToStartWithoutWebhookSecret() throws Exception {
        String out = refusal(
                Map.of("POLICY_GATE_GITLAB_URL", "https://gitlab.example.com", "POLICY_GATE_GITLAB_TOKEN", "t"));
        assertTrue(out.contains("policy-gate.webhook.secret (POLICY_GATE_WEBHOOK_SECRET) is not set"), out);
    }

    @Test
    void refusesToStartWithoutGitLabUnlessDryRun() throws Exception {
        String out = refusal(Map.of("POLICY_GATE_WEBHOOK_SECRET", "s"));
        assertTrue(
                out.contains(
                        "policy-gate.gitlab.url (POLICY_GATE_GITLAB_URL) is required unless policy-gate.dry-run=true"),
                out);
        assertTrue(out.contains("policy-gate.gitlab.token (POLICY_GATE_GITLAB_TOKEN) is required"), out);
    }

    @Test
    void refusesToStartWithAPublicUrlNoOneCouldFollow() throws Exception {
        // Without a scheme, every link in a merge request note would be relative to GitLab's page.
        String out = refusal(Map.of(
                "POLICY_GATE_WEBHOOK_SECRET",
                "s",
                "POLICY_GATE_DRY_RUN",
                "true",
                "POLICY_GATE_PUBLIC_URL",
                "policy-gate.example.com"));
        assertTrue(
                out.contains("policy-gate.public-url (POLICY_GATE_PUBLIC_URL) must start with https:// or http://,"
                        + " not 'policy-gate.example.com': it is policy-gate's address as people reach it"),
                out);

        String withPassword = refusal(Map.of(
                "POLICY_GATE_WEBHOOK_SECRET",
                "s",
                "POLICY_GATE_DRY_RUN",
                "true",
                "POLICY_GATE_PUBLIC_URL",
                "https://admin:s3cret-4711@policy-gate.example.com"));
        assertTrue(
                withPassword.contains(
                        "policy-gate.public-url (POLICY_GATE_PUBLIC_URL) must not contain a user or" + " password"),
                withPassword);
        assertFalse(withPassword.contains("s3cret-4711"), withPassword);
    }

    @Test
    void refusesToStartWithASigningTokenThatIsNotOneAndNeverEchoesIt() throws Exception {
        String out = refusal(Map.of(
                "POLICY_GATE_WEBHOOK_SECRET",
                "s",
                "POLICY_GATE_DRY_RUN",
                "true",
                "POLICY_GATE_WEBHOOK_SIGNING_TOKEN",
                "glpat-leaked-secret-42"));
        assertTrue(
                out.contains("policy-gate.webhook.signing-token (POLICY_GATE_WEBHOOK_SIGNING_TOKEN) does not start"
                        + " with whsec_"),
                out);
        assertFalse(out.contains("glpat-leaked-secret-42"), out);
    }

    @Test
    void refusesToStartWithAWebhookLimitTheServerWouldNeverLetThrough() throws Exception {
        String out = refusal(Map.of(
                "POLICY_GATE_WEBHOOK_SECRET",
                "s",
                "POLICY_GATE_DRY_RUN",
                "true",
                "POLICY_GATE_WEBHOOK_MAX_BODY_SIZE",
                "100M"));
        assertTrue(
                out.contains("policy-gate.webhook.max-body-size (POLICY_GATE_WEBHOOK_MAX_BODY_SIZE) is 104857600"
                        + " bytes, more than the server takes in any request (quarkus.http.limits.max-body-size, 67108864"
                        + " bytes)"),
                out);
    }

    @Test
    void refusesUnsignedWebhooksOutsideDevModeUnlessASecondSettingSaysItIsIntended() throws Exception {
        String out = refusal(Map.of("POLICY_GATE_WEBHOOK_ALLOW_UNSIGNED", "true", "POLICY_GATE_DRY_RUN", "true"));
        assertTrue(
                out.contains("policy-gate.webhook.allow-unsigned (POLICY_GATE_WEBHOOK_ALLOW_UNSIGNED) is true outside"
                                + " dev mode")
                        && out.contains("policy-gate.webhook.allow-unsigned-outside-dev-mode=true"),
                out);
    }

    @Test
    void refusesEveryConfigurationProblemAtOnceInPlainTextWithTheKeyMeant() throws Exception {
        long begin = System.nanoTime();
        String out = refusal(
                Map.of(
                        "POLICY_GATE_WEBHOOK_SECRET", "s",
                        "POLICY_GATE_DRY_RUN", "true",
                        "POLICY_GATE_API_TOKENS_CI_SHA256", "glpat-plain-token-42",
                        "POLICY_GATE_API_TOKENS_CI_ROLES", "admin",
                        "POLICY_GATE_API_TOKENS_DASHBOARD_SHA256", "a".repeat(64),
                        "POLICY_GATE_API_TOKENS_DASHBOARD_ROLES", "viewer,admin",
                        "POLICY_GATE_REPORT_COMENTT", "off"),
                "-Dpolicy-gate.report.comentt=off");
        assertTrue(
                Duration.ofNanos(System.nanoTime() - begin).toSeconds() < 10,
                "took " + Duration.ofNanos(System.nanoTime() - begin));
        assertTrue(
                out.contains("policy-gate cannot start:\n"
                        + "  policy-gate.report.comentt (a -D system property) is not a policy-gate key; did you mean"
                        + " policy-gate.report.comment?\n"),
                out);
        assertTrue(
                out.contains("  policy-gate.api.tokens.ci.sha256 (POLICY_GATE_API_TOKENS_CI_SHA256) must be the token's"
                        + " SHA-256 as 64 hex digits"),
                out);
        assertTrue(
                out.contains("  policy-gate.api.tokens.ci.roles (POLICY_GATE_API_TOKENS_CI_ROLES) must name one or more"
                        + " of operator, previewer, viewer; unknown: admin\n"),
                out);
        assertTrue(
                out.contains("  policy-gate.api.tokens.dashboard.roles (POLICY_GATE_API_TOKENS_DASHBOARD_ROLES) must"
                        + " name one or more of operator, previewer, viewer; unknown: admin"),
                out);
        assertTrue(
                out.contains("Environment variable POLICY_GATE_REPORT_COMENTT is no policy-gate key's; did you mean"
                        + " POLICY_GATE_REPORT_COMMENT (policy-gate.report.comment)?"),
                out);
        assertEquals(1, out.split("policy-gate cannot start", -1).length - 1, out);
        assertFalse(out.contains("\"level\":\"ERROR\""), "the refusal is plain text, not a JSON log line: " + out);
        assertFalse(out.contains("glpat-plain-token-42"), out);
    }

    @Test
    void servesUnsignedWebhooksWhenBothSettingsSaySoAndWarnsOfOpenPages() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(
                work,
                "unsigned",
                Map.of(
                        "POLICY_GATE_WEBHOOK_ALLOW_UNSIGNED", "true",
                        "POLICY_GATE_WEBHOOK_ALLOW_UNSIGNED_OUTSIDE_DEV_MODE", "true",
                        "POLICY_GATE_WEB_OPEN", "true",
                        "POLICY_GATE_DRY_RUN", "true"))) {
            service.awaitReady(System.nanoTime());
            assertTrue(
                    service.log()
                            .contains("policy-gate.web.open=true: the pages, with the merge request titles and"
                                    + " policy findings of every project, are served to anyone"),
                    service.log());
            assertTrue(service.terminate(30), "SIGTERM should stop the service");
        }
    }

    @Test
    void refusesADecisionRecordKeyFileThatIsNotAPrivateKey() throws Exception {
        Path keyFile = work.resolve("signing.pem");
        Files.writeString(
                keyFile,
                pem(
                        "PUBLIC KEY",
                        java.security.KeyPairGenerator.getInstance("Ed25519")
                                .generateKeyPair()
                                .getPublic()
                                .getEncoded()));
        String out = refusal(Map.of(
                "POLICY_GATE_WEBHOOK_SECRET",
                "s",
                "POLICY_GATE_DRY_RUN",
                "true",
                "POLICY_GATE_ATTESTATIONS_KEY_FILE",
                keyFile.toString(),
                "POLICY_GATE_WEB_GROUPS_ADMIN",
                "admins"));
        assertTrue(
                out.contains("policy-gate.attestations.key-file (POLICY_GATE_ATTESTATIONS_KEY_FILE) is " + keyFile
                        + ", which is not an Ed25519 private key"),
                out);
        assertTrue(
                out.contains("policy-gate.web.groups.admin (POLICY_GATE_WEB_GROUPS_ADMIN): there is no such role"),
                out);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    @Test
    void refusesToStartOnAnInvalidPolicyNamingFileLineAndField() throws Exception {
        Path policies = Files.createDirectories(work.resolve("bad-policies"));
        Files.writeString(policies.resolve("bad.yaml"), "name: bad\nrules:\n  - type: ticket\n    pattern: '[A-Z'\n");
        String out = refusal(Map.of(
                "POLICY_GATE_WEBHOOK_SECRET",
                "s",
                "POLICY_GATE_DRY_RUN",
                "true",
                "POLICY_GATE_POLICIES_DIR",
                policies.toString()));
        assertTrue(
                out.contains(policies.resolve("bad.yaml") + ":4: rules[0].pattern: invalid regular expression"), out);
    }

    @Test
    void policyTestsRunFromTheJarWithoutStartingTheServer() throws Exception {
        try (ServiceProcess cli = ServiceProcess.start(
                work,
                "cli",
                Map.of(),
                "test",
                Path.of("policies").toAbsolutePath().toString())) {
            assertTrue(cli.process().waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, cli.process().exitValue(), cli.log());
            assertTrue(cli.log().matches("(?s).*\\n[1-9][0-9]* passed, 0 failed\\n"), cli.log());
        }
    }

    /** A page or an API answer of the service, read with the token the dry run was started with. */
    private static String read(ServiceProcess service, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(service.uri(path))
                                .header("Authorization", "Bearer it-api-token")
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void servesInDryRunAndPrintsItsStartUpTime() throws Exception {
        long begin = System.nanoTime();
        try (ServiceProcess service = ServiceProcess.start(
                work,
                "dry-run",
                Map.of(
                        "POLICY_GATE_WEBHOOK_SECRET",
                        Webhooks.SECRET,
                        "POLICY_GATE_DRY_RUN",
                        "true",
                        "POLICY_GATE_API_TOKEN",
                        "it-api-token"))) {
            System.out.printf(
                    "packaged start-up until /q/health/ready answered 200: %d ms%n", service.awaitReady(begin));

            HttpResponse<String> accepted = service.sendSigned(Payloads.raw(Payloads.SAMPLE));
            assertEquals(202, accepted.statusCode(), accepted.body());
            awaitLog(
                    service,
                    "dry-run: would POST status failed for " + Payloads.SAMPLE_SHA + " to project 6 MR !4 check 1");
            // Production logs are JSON lines; a job's lines carry its evaluation, project and merge request.
            String evaluation = service.log()
                    .lines()
                    .filter(l -> l.contains("would POST status failed"))
                    .findFirst()
                    .orElseThrow();
            assertTrue(
                    evaluation.startsWith("{")
                            && evaluation.contains("\"evaluationId\":\"")
                            && evaluation.contains("\"project\":\"6\"")
                            && evaluation.contains("\"mergeRequest\":\"4\""),
                    evaluation);
            // Without GitLab the webhook's names stand in, and the pages say so: on every page, and as the facts.
            String page = read(service, "/");
            assertTrue(page.contains("Dry run without GitLab: verdicts judge the names each webhook gave"), page);
            java.util.regex.Matcher link = java.util.regex.Pattern.compile("/evaluations/([0-9a-f-]{36})")
                    .matcher(page);
            assertTrue(link.find(), page);
            String detail = read(service, "/api/v1/evaluations/" + link.group(1));
            assertTrue(detail.contains("\"factsFrom\":\"webhook-body\""), detail);
            assertTrue(service.terminate(30), "SIGTERM should stop the service");
        }
        assertTrue(Files.exists(work.resolve("data/policy-gate.mv.db")), "the H2 journal lives under ./data");
    }

    @Test
    void theImagesTrainingStartWritesAnArchiveTheServiceStartsWithAndLeavesNoKeyBehind() throws Exception {
        Path app = ServiceProcess.JAR.toAbsolutePath().getParent();
        Path archive = app.resolve("app-cds.jsa");
        Path output = work.resolve("training.out");
        Process trained = ServiceProcess.withShippedPolicies(new ProcessBuilder(
                                "bash",
                                Path.of("src/main/docker/app-cds.sh")
                                        .toAbsolutePath()
                                        .toString(),
                                app.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile()))
                .start();
        assertTrue(trained.waitFor(150, TimeUnit.SECONDS), "the training start should end within its own 120 s");
        String out = Files.readString(output);
        assertEquals(0, trained.exitValue(), out);
        assertTrue(out.startsWith("app-cds.jsa: ") && Files.size(archive) > 10_000_000, out);
        try (var files = Files.walk(app)) {
            assertEquals(
                    List.of(),
                    files.filter(f -> f.getFileName().toString().startsWith("attestation-key")
                                    || f.getFileName().toString().endsWith(".mv.db"))
                            .toList(),
                    "the training start's signing key and journal must not stay in the image");
        }

        // -Xshare:on: a JVM that cannot use the archive refuses to start. From another folder, by the jar's path,
        // as the image's ENTRYPOINT starts it.
        try (ServiceProcess service = ServiceProcess.start(
                work,
                "with-archive",
                List.of("-Xmx256m", "-Xshare:on", "-XX:SharedArchiveFile=" + archive),
                Map.of("POLICY_GATE_WEBHOOK_SECRET", Webhooks.SECRET, "POLICY_GATE_DRY_RUN", "true"))) {
            System.out.printf(
                    "packaged start-up with the AppCDS archive until /q/health/ready answered 200: %d ms%n",
                    service.awaitReady(System.nanoTime()));
            assertFalse(service.log().contains("[cds"), service.log());
            assertTrue(service.terminate(30), "SIGTERM should stop the service");
        }
    }

    private static void awaitLog(ServiceProcess service, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (service.log().contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("log never said: " + text + "\n" + service.log());
    }
}
