package io.policygate.access;

import io.policygate.config.ApiConfig;
import io.policygate.config.ConfigurationKeys;
import io.policygate.config.ConfigurationProblems;
import io.policygate.digest.Sha256;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The API tokens policy-gate accepts, each a name, the SHA-256 of the token and its roles. A presented token is
 * hashed and compared with every configured hash in constant time, so neither the tokens nor their number of
 * matching bytes can be learned from timing. Checked at start: a malformed hash or an unknown role stops
 * policy-gate with the key at fault ({@link ConfigurationProblems}).
 */
@Startup
@ApplicationScoped
public class ApiTokens implements ConfigurationProblems {

    /** The name under which policy-gate.api.token is known: it has every role. */
    public static final String LEGACY_NAME = "policy-gate.api.token";

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    /** A token's name and roles, without the token. */
    public record Holder(String name, Set<String> roles) {}

    private record Entry(Holder holder, byte[] sha256) {}

    private final List<Entry> entries;
    private final List<String> problems;

    @Inject
    public ApiTokens(ApiConfig config) {
        this.problems = problems(config.tokens());
        List<Entry> known = new ArrayList<>();
        config.token()
                .filter(t -> !t.isEmpty())
                .ifPresent(t -> known.add(new Entry(
                        new Holder(LEGACY_NAME, Set.copyOf(Roles.ALL)),
                        Sha256.of(t.getBytes(StandardCharsets.UTF_8)))));
        config.tokens().entrySet().stream()
                .filter(named -> problems(Map.ofEntries(named)).isEmpty())
                .forEach(named -> known.add(new Entry(
                        new Holder(
                                named.getKey(),
                                Roles.withIncluded(named.getValue().roles())),
                        HexFormat.of().parseHex(named.getValue().sha256().trim().toLowerCase()))));
        this.entries = List.copyOf(known);
    }

    /** What is wrong with the configured tokens: policy-gate does not start while there is anything. */
    @Override
    public List<String> problems() {
        return problems;
    }

    /** One line per problem, naming its key and environment variable; a token with a problem is never accepted. */
    private static List<String> problems(Map<String, ApiConfig.NamedToken> tokens) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, ApiConfig.NamedToken> named : tokens.entrySet()) {
            String key = "policy-gate.api.tokens." + named.getKey();
            ApiConfig.NamedToken token = named.getValue();
            if (!SHA256_HEX.matcher(token.sha256().trim()).matches()) {
                problems.add(ConfigurationKeys.named(key + ".sha256") + " must be the token's SHA-256 as 64 hex"
                        + " digits (printf %s \"$TOKEN\" | sha256sum), not the token itself");
            }
            Set<String> unknown = new TreeSet<>(token.roles());
            unknown.removeAll(Roles.ALL);
            if (!unknown.isEmpty() || token.roles().isEmpty()) {
                problems.add(ConfigurationKeys.named(key + ".roles") + " must name one or more of "
                        + String.join(", ", Roles.ALL)
                        + (unknown.isEmpty() ? "" : "; unknown: " + String.join(", ", unknown)));
            }
        }
        return problems;
    }

    /** True when at least one token is configured; without any, the API is closed to everyone. */
    public boolean any() {
        return !entries.isEmpty();
    }

    /** Whose token this is, if any. Every configured hash is compared, whether or not an earlier one matched. */
    public Optional<Holder> holder(String presented) {
        byte[] digest = Sha256.of(presented.getBytes(StandardCharsets.UTF_8));
        Holder found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.sha256(), digest) && found == null) {
                found = entry.holder();
            }
        }
        return Optional.ofNullable(found);
    }
}
