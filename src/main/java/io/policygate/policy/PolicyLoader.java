package io.policygate.policy;

import io.policygate.digest.Sha256;
import io.policygate.policy.rules.OutboundCall;
import io.policygate.policy.rules.RuleTypes;
import io.policygate.policy.rules.SecretGrants;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads policy and waiver files (a {@link PolicyFolder}, or files given by name and content) into a {@link PolicySet},
 * or reports every problem with file, line and field. Nothing half-valid is returned: one bad document rejects the whole set.
 */
public final class PolicyLoader {

    /** How long a waiver may last by default, in days after its approval (policy-gate.waivers.max-days). */
    public static final int DEFAULT_WAIVER_MAX_DAYS = 90;

    private final RuleTypes ruleTypes;
    /** The calls to other services a rule may make; null when any is allowed. */
    private final List<OutboundCall> allowedCalls;
    /** The environment variables a rule may send, and where. */
    private final SecretGrants secrets;
    /** The most days a waiver may run past the day it was approved. */
    private final int waiverMaxDays;

    /** A loader for the command line: any call, any variable (the service's environment is not there). */
    public PolicyLoader(RuleTypes ruleTypes) {
        this(ruleTypes, null, SecretGrants.ANY, DEFAULT_WAIVER_MAX_DAYS);
    }

    /** A loader for the service: a rule may send only the variables {@code secrets} grants, where it grants them. */
    public PolicyLoader(RuleTypes ruleTypes, SecretGrants secrets) {
        this(ruleTypes, null, secrets, DEFAULT_WAIVER_MAX_DAYS);
    }

    private PolicyLoader(
            RuleTypes ruleTypes, List<OutboundCall> allowedCalls, SecretGrants secrets, int waiverMaxDays) {
        this.ruleTypes = ruleTypes;
        this.allowedCalls = allowedCalls;
        this.secrets = secrets;
        this.waiverMaxDays = waiverMaxDays;
    }

    /** This loader, refusing waivers that expire more than {@code days} after the day they were approved. */
    public PolicyLoader withWaiverMaxDays(int days) {
        return new PolicyLoader(ruleTypes, allowedCalls, secrets, days);
    }

    /**
     * A loader that refuses, as an error at the rule, any call to another service that none of {@code calls} covers
     * (same rule type, same origin, the same path or one below it, same secrets): for candidate sets, which run with
     * policy-gate's environment but were not reviewed like the set in force.
     */
    public PolicyLoader restrictedTo(List<OutboundCall> calls) {
        return new PolicyLoader(ruleTypes, List.copyOf(calls), secrets, waiverMaxDays);
    }

    /**
     * @throws PolicyLoadException listing every error in every file
     */
    public PolicySet load(Path dir) {
        List<PolicyError> errors = new ArrayList<>();
        return load(PolicyFolder.read(dir, errors), errors, Map.of());
    }

    /**
     * The set of a source's files at one version, read from where they came from; the errors met reading them count
     * as the set's.
     *
     * @throws PolicyLoadException listing every error in every file
     */
    public PolicySet load(PolicyFiles.Snapshot snapshot) {
        return load(snapshot.files(), new ArrayList<>(snapshot.errors()), snapshot.reviews())
                .from(snapshot.origin());
    }

    /**
     * A set from files given by name and content (a candidate set sent for an impact preview), with the
     * same errors {@link #load(Path)} gives for the same files.
     *
     * @throws PolicyLoadException listing every error in every file
     */
    public PolicySet load(Map<String, byte[]> files) {
        return load(files, new ArrayList<>(), Map.of());
    }

    /**
     * {@code reviews}: by waiver file, the merge request that brought it in; a waiver of such a file counts only when
     * its approvedBy approved that merge request.
     */
    private PolicySet load(Map<String, byte[]> files, List<PolicyError> errors, Map<String, WaiverReview> reviews) {
        List<Policy> policies = new ArrayList<>();
        List<PolicySet.PolicyFile> hashes = new ArrayList<>();
        Map<String, String> waiverFiles = new TreeMap<>();
        for (Map.Entry<String, byte[]> file : new TreeMap<>(files).entrySet()) {
            hashes.add(new PolicySet.PolicyFile(file.getKey(), Sha256.hex(file.getValue())));
            String text = new String(file.getValue(), StandardCharsets.UTF_8);
            if (PolicyFolder.isWaiverFile(file.getKey())) {
                waiverFiles.put(file.getKey(), text);
            } else {
                policies.addAll(parse(file.getKey(), text, errors));
            }
        }
        checkUniqueNames(policies, errors);
        // Waivers after every policy: a waiver is checked against the policy and rule it names.
        Map<String, Policy> byName = new HashMap<>();
        policies.forEach(p -> byName.putIfAbsent(p.name(), p));
        List<Waiver> waivers = new ArrayList<>();
        waiverFiles.forEach((file, text) -> waivers.addAll(parseWaivers(file, text, byName, errors).stream()
                .map(waiver -> reviewed(waiver, reviews.get(file), errors))
                .toList()));
        checkUniqueIds(waivers, errors);
        if (!errors.isEmpty()) {
            throw new PolicyLoadException(errors);
        }
        return new PolicySet(policies, waivers, hashes);
    }

    /** {@code waiver} with the merge request that brought it in, or an error at its approvedBy when that may not count. */
    private static Waiver reviewed(Waiver waiver, WaiverReview review, List<PolicyError> errors) {
        if (review == null) {
            return waiver;
        }
        String refusal = review.refusal(waiver);
        if (refusal != null) {
            errors.add(new PolicyError(waiver.source().file(), waiver.source().line(), "approvedBy", refusal));
        }
        return waiver.reviewedIn(review);
    }

    /** Parses one file's text; errors are added to {@code errors}, valid policies returned. */
    public List<Policy> parse(String file, String text, List<PolicyError> errors) {
        return readDocuments(
                file,
                text,
                errors,
                document -> new PolicyDocumentReader(file, document, errors, ruleTypes, allowedCalls, secrets).read());
    }

    /** Parses one waiver file's text against the policies by name; errors are added to {@code errors}. */
    private List<Waiver> parseWaivers(
            String file, String text, Map<String, Policy> policies, List<PolicyError> errors) {
        return readDocuments(
                file,
                text,
                errors,
                document -> new WaiverDocumentReader(file, document, errors, waiverMaxDays).read(policies));
    }

    /** Each document of a file as {@code read} makes it, leaving out those it added an error for. */
    private <T> List<T> readDocuments(
            String file, String text, List<PolicyError> errors, Function<YamlDocument, T> read) {
        List<YamlDocument> documents;
        try {
            documents = YamlDocument.readAll(text);
        } catch (YamlDocument.SyntaxException e) {
            errors.add(new PolicyError(file, e.line, null, e.getMessage()));
            return List.of();
        }
        List<T> items = new ArrayList<>();
        for (YamlDocument document : documents) {
            int before = errors.size();
            T item = read.apply(document);
            if (errors.size() == before) {
                items.add(item);
            }
        }
        return items;
    }

    private static void checkUniqueIds(List<Waiver> waivers, List<PolicyError> errors) {
        checkUnique(waivers, Waiver::id, Waiver::source, "id", "waiver id", errors);
    }

    private static void checkUniqueNames(List<Policy> policies, List<PolicyError> errors) {
        checkUnique(policies, Policy::name, Policy::source, "name", "policy name", errors);
    }

    /** An error at every item whose {@code key} an earlier one has, naming where the first is. */
    private static <T> void checkUnique(
            List<T> items,
            Function<T, String> key,
            Function<T, PolicySource> source,
            String field,
            String what,
            List<PolicyError> errors) {
        Map<String, T> seen = new HashMap<>();
        for (T item : items) {
            T first = seen.putIfAbsent(key.apply(item), item);
            if (first != null) {
                errors.add(new PolicyError(
                        source.apply(item).file(),
                        source.apply(item).line(),
                        field,
                        "duplicate " + what + " '" + key.apply(item) + "', first defined at " + source.apply(first)));
            }
        }
    }
}
