package io.policygate.webhook;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.policygate.journal.JobState;
import io.policygate.testing.GitLabWireMock;
import io.policygate.testing.Payloads;
import io.policygate.testing.ServiceTest;
import io.policygate.testing.Webhooks;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of malformed and hostile bodies, each correctly signed (so it reaches the parser): every one
 * gets a 4xx, nothing is stored, the service stays healthy, and a valid webhook afterwards is reported.
 */
@QuarkusTest
@WithTestResource(GitLabWireMock.class)
class HostileInputTest extends ServiceTest {

    private static final String S = Payloads.SAMPLE;

    static List<Arguments> corpus() {
        String sample = Payloads.raw(S);
        List<Arguments> bodies = new ArrayList<>();
        for (String raw : List.of(
                "",
                " ",
                "\n\n",
                "null",
                "true",
                "123",
                "-1e999",
                "\"merge_request\"",
                "[]",
                "{}",
                "[{}]",
                "{\"object_kind\":null}",
                "{\"object_kind\":[\"merge_request\"]}",
                "{'object_kind':'merge_request'}",
                "{\"object_kind\":\"merge_request\",}",
                "{\"object_kind\":\"merge_request\"} {}",
                "{\"object_kind\":\"merge_request\"} trailing",
                "/* comment */ {}",
                "{\"a\":NaN}",
                "{\"a\":Infinity}")) {
            bodies.add(Arguments.of("raw " + raw.replace("\n", "\\n"), raw));
        }
        for (int cut : new int[] {1, 10, 100, 1000, 2000, 3000, 4000}) {
            bodies.add(Arguments.of("truncated at " + cut, sample.substring(0, cut)));
        }
        bodies.add(Arguments.of("nested arrays 5000 deep", "[".repeat(5000) + "]".repeat(5000)));
        bodies.add(Arguments.of(
                "nested objects 5000 deep in object_attributes",
                sample.replace(
                        "\"object_attributes\": {",
                        "\"object_attributes\": {\"x\":" + "{\"y\":".repeat(5000) + "1" + "}".repeat(5000) + ",")));
        bodies.add(Arguments.of("huge string as project id", Payloads.with(S, "/project/id", "9".repeat(500_000))));
        bodies.add(Arguments.of(
                "huge key",
                sample.replaceFirst("\\{", "{\"" + "k".repeat(500_000) + "\":1,")
                        .replace("\"id\": 6,", "\"id\": \"six\",")));
        for (Object bad : new Object[] {"6", 6.5, true, List.of(6), 0, -6}) {
            bodies.add(Arguments.of("project.id " + bad, Payloads.with(S, "/project/id", bad)));
            bodies.add(Arguments.of("iid " + bad, Payloads.with(S, "/object_attributes/iid", bad)));
            bodies.add(Arguments.of("check id " + bad, Payloads.with(S, "/external_approval_rule/id", bad)));
        }
        bodies.add(Arguments.of(
                "project.id overflows long", sample.replace("\"id\": 6,", "\"id\": 9223372036854775808,")));
        bodies.add(Arguments.of("project.id 1e400", sample.replace("\"id\": 6,", "\"id\": 1e400,")));
        bodies.add(Arguments.of("sha as a number", Payloads.with(S, "/object_attributes/last_commit/id", 141)));
        bodies.add(Arguments.of(
                "sha with full-width digits",
                Payloads.with(S, "/object_attributes/last_commit/id", "１４１be9714669a4c1ccaa013c6a7f3e462ff2a40f")));
        bodies.add(Arguments.of(
                "sha with a zero-width space",
                Payloads.with(
                        S,
                        "/object_attributes/last_commit/id",
                        Payloads.SAMPLE_SHA.substring(0, 20) + "\u200B" + Payloads.SAMPLE_SHA.substring(21))));
        bodies.add(Arguments.of(
                "sha with a newline",
                Payloads.with(S, "/object_attributes/last_commit/id", Payloads.SAMPLE_SHA + "\n")));
        // 40 hex (SHA-1) and 64 hex (SHA-256 repositories) are commit ids; nothing in between is.
        bodies.add(Arguments.of(
                "sha of 50 hex",
                Payloads.with(S, "/object_attributes/last_commit/id", Payloads.SAMPLE_SHA + "0123456789")));
        bodies.add(Arguments.of(
                "sha of 65 hex",
                Payloads.with(
                        S, "/object_attributes/last_commit/id", Payloads.SAMPLE_SHA + "0123456789abcdef012345678")));
        bodies.add(Arguments.of("object_attributes an array", Payloads.with(S, "/object_attributes", List.of())));
        bodies.add(Arguments.of("external_approval_rule a string", Payloads.with(S, "/external_approval_rule", "1")));
        bodies.add(Arguments.of("project a string", Payloads.with(S, "/project", "flightjs/Flight")));
        bodies.add(Arguments.of(
                "duplicate project", sample.replaceFirst("\"project\": \\{", "\"project\": 1, \"project\": {")));
        bodies.add(Arguments.of(
                "duplicate sha",
                sample.replace(
                        "\"id\": \"141be97",
                        "\"id\": \"0000000000000000000000000000000000000000\", \"id\": \"141be97")));
        return bodies;
    }

    static Stream<Arguments> corpusStream() {
        return corpus().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusStream")
    void eachHostileBodyIsRefusedWith4xxAndStoresNothing(String name, String body) {
        long before = journal.jobCount();
        Webhooks.sendSigned(body).statusCode(anyOf(equalTo(400), equalTo(413)));
        assertEquals(before, journal.jobCount());
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[] body = Payloads.raw(S)
                .replace("Update README.md", "Update README.md XX")
                .getBytes(StandardCharsets.UTF_8);
        int at = new String(body, StandardCharsets.UTF_8).indexOf("XX");
        body[at] = (byte) 0xC3;
        body[at + 1] = (byte) 0x28;
        given().contentType("application/json")
                .header("X-Gitlab-Signature", Webhooks.sign(Webhooks.SECRET, body))
                .body(body)
                .when()
                .post("/webhooks/gitlab")
                .then()
                .statusCode(400);
    }

    @Test
    void afterTheWholeCorpusTheServiceIsHealthyAndReports() {
        assertEquals(true, corpus().size() >= 50, "corpus has " + corpus().size() + " bodies");
        corpus().forEach(args ->
                Webhooks.sendSigned((String) args.get()[1]).statusCode(anyOf(equalTo(400), equalTo(413))));

        given().get("/q/health/ready").then().statusCode(200);
        String id = Webhooks.accept(Payloads.raw(Payloads.COMPLIANT));
        journal.awaitState(id, JobState.REPORTED);
    }
}
