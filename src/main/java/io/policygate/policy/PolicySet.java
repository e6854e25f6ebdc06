package io.policygate.policy;

import io.policygate.policy.rules.OutboundCall;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every policy loaded from one source, in file order, the waivers of its {@code waivers/} folder, the files' content
 * hashes (waiver files too: a verdict names every file that decided it) and where they were read (the folder, or the
 * repository and its commit).
 */
public record PolicySet(List<Policy> policies, List<Waiver> waivers, List<PolicyFile> files, PolicyOrigin origin) {

    public static final PolicySet EMPTY = new PolicySet(List.of(), List.of(), List.of());

    public PolicySet {
        policies = List.copyOf(policies);
        waivers = List.copyOf(waivers);
        files = List.copyOf(files);
        origin = origin == null ? PolicyOrigin.NONE : origin;
    }

    /** A set read from no named source (a candidate, a test's). */
    public PolicySet(List<Policy> policies, List<Waiver> waivers, List<PolicyFile> files) {
        this(policies, waivers, files, PolicyOrigin.NONE);
    }

    /** This set, read from {@code origin}. */
    public PolicySet from(PolicyOrigin origin) {
        return new PolicySet(policies, waivers, files, origin);
    }

    /**
     * {@code result} of rule {@code rule} (-1: a result that is no rule's) of {@code policy}, waived by the first
     * waiver in force that covers it when it failed or erred; as it is otherwise.
     */
    RuleResult excused(Policy policy, int rule, MergeRequestContext mr, LocalDate today, RuleResult result) {
        if (!result.outcome().blocks()) {
            return result;
        }
        return waivers.stream()
                .filter(w -> w.covers(policy.name(), rule, mr, today))
                .findFirst()
                .map(result::waivedBy)
                .orElse(result);
    }

    /** A waiver that can change no verdict, and why. */
    public record IdleWaiver(Waiver waiver, String why) {}

    /**
     * The waivers that match nothing: expired, or scoped to projects their policy never applies to (as far as can
     * be told without GitLab: an id against a path glob could be the same project).
     */
    public List<IdleWaiver> waiversMatchingNothing(LocalDate today) {
        List<IdleWaiver> idle = new ArrayList<>();
        for (Waiver waiver : waivers) {
            if (today.isAfter(waiver.expires())) {
                idle.add(new IdleWaiver(waiver, "expired on " + waiver.expires() + "; it waives nothing any more"));
                continue;
            }
            policyNamed(waiver.policy())
                    .filter(p -> !p.appliesTo().mayShareProjects(waiver.projectIds(), waiver.projectPaths()))
                    .ifPresent(p -> idle.add(new IdleWaiver(
                            waiver,
                            "none of its projects " + projects(waiver.projectIds(), waiver.projectPaths())
                                    + " is among those policy '" + p.name() + "' applies to "
                                    + projects(
                                            p.appliesTo().projectIds(),
                                            p.appliesTo().projectPaths()))));
        }
        return idle;
    }

    /** Every waiver of the set as it stands on {@code today}, soonest to expire first. */
    public List<WaiverStanding> waiverStandings(LocalDate today, int warnDays) {
        Map<String, String> idle = waiversMatchingNothing(today).stream()
                .collect(Collectors.toMap(i -> i.waiver().id(), IdleWaiver::why));
        return waivers.stream()
                .sorted(Comparator.comparing(Waiver::expires).thenComparing(Waiver::id))
                .map(w -> new WaiverStanding(
                        w.id(),
                        w.policy(),
                        ruleLabel(w),
                        projects(w.projectIds(), w.projectPaths()),
                        w.mergeRequest(),
                        w.sourceBranch() == null ? null : w.sourceBranch().toString(),
                        w.reason(),
                        w.approvedBy(),
                        w.approvedOn().toString(),
                        w.expires().toString(),
                        w.state(today, warnDays),
                        ChronoUnit.DAYS.between(today, w.expires()),
                        w.source().file(),
                        w.source().line(),
                        idle.get(w.id()),
                        w.review()))
                .toList();
    }

    /** "every rule", or the waived rule's index and type: "rule 0 (ticket)". */
    private String ruleLabel(Waiver waiver) {
        if (waiver.rule() == null) {
            return "every rule";
        }
        return policyNamed(waiver.policy())
                .map(p -> "rule " + waiver.rule() + " ("
                        + p.rules().get(waiver.rule()).type() + ")")
                .orElse("rule " + waiver.rule());
    }

    private Optional<Policy> policyNamed(String name) {
        return policies.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** Project ids and path globs as one list, as a policy file writes them. */
    private static List<String> projects(List<Long> ids, List<Glob> paths) {
        return Stream.concat(ids.stream().map(String::valueOf), paths.stream().map(Glob::toString))
                .toList();
    }

    /** Every call the set's rules make to other services, with the secrets they send and the rule type. */
    public List<OutboundCall> outboundCalls() {
        return policies.stream()
                .flatMap(p -> p.rules().stream())
                .flatMap(r -> r.outboundCalls().stream())
                .toList();
    }

    /** A loaded file and the SHA-256 of its bytes, so a verdict can say which policy version decided it. */
    public record PolicyFile(String path, String sha256) {}

    /**
     * The policies with a rule whose result may change, with nothing else changing, after {@code after} and by
     * {@code by} (a change window's edge): their open merge requests are judged again.
     */
    public List<Policy> changingBetween(Instant after, Instant by) {
        return policies.stream()
                .filter(p -> p.rules().stream()
                        .anyMatch(r -> r.rule()
                                .nextChange(after)
                                .filter(at -> !at.isAfter(by))
                                .isPresent()))
                .toList();
    }

    /**
     * The policies a change from {@code before} to this set touches, of either set: those defined in a file added,
     * removed or changed, and those a waiver of such a file names.
     */
    public List<Policy> touchedSince(PolicySet before) {
        Set<String> changed = new HashSet<>();
        Set<PolicyFile> after = new HashSet<>(files);
        Set<PolicyFile> was = new HashSet<>(before.files());
        files.stream().filter(f -> !was.contains(f)).forEach(f -> changed.add(f.path()));
        before.files().stream().filter(f -> !after.contains(f)).forEach(f -> changed.add(f.path()));
        Set<String> waived = Stream.concat(waivers.stream(), before.waivers().stream())
                .filter(w -> changed.contains(w.source().file()))
                .map(Waiver::policy)
                .collect(Collectors.toSet());
        return Stream.concat(policies.stream(), before.policies().stream())
                .filter(p -> changed.contains(p.source().file()) || waived.contains(p.name()))
                .toList();
    }

    /**
     * Which target branches the policies concerning a project select: {@code every} when one of them concerns every
     * branch, else the globs as written (none when no policy concerns the project).
     */
    public record BranchesTargeted(boolean every, List<String> globs) {}

    public BranchesTargeted branchesTargeted(long projectId, String projectPath) {
        List<String> globs = new java.util.ArrayList<>();
        for (Policy policy : policies) {
            if (!policy.appliesTo().concernsProject(projectId, projectPath)) {
                continue;
            }
            if (policy.appliesTo().targetBranches().isEmpty()) {
                return new BranchesTargeted(true, List.of());
            }
            policy.appliesTo().targetBranches().stream()
                    .map(Glob::toString)
                    .filter(glob -> !globs.contains(glob))
                    .forEach(globs::add);
        }
        return new BranchesTargeted(false, List.copyOf(globs));
    }
}
