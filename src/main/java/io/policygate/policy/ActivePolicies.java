package io.policygate.policy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.policygate.config.PoliciesConfig;
import io.policygate.config.ServiceConfig;
import io.policygate.config.WaiversConfig;
import io.policygate.policy.rules.RuleTypes;
import io.policygate.policy.rules.SecretGrants;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The policy set in force. Loaded at start-up, where an invalid set stops the service: running with a
 * silently partial set would pass merge requests that a policy should stop. Reloaded when the files
 * change; a changed set replaces the one in force only if it is valid as a whole, otherwise the last
 * good set stays and the errors are reported (log, /api/v1/policies, metrics).
 */
@ApplicationScoped
public class ActivePolicies {

    private static final Logger LOG = Logger.getLogger(ActivePolicies.class);

    /**
     * The outcome of the latest load attempt: the source's version and origin it read (the version in force when the
     * source could not be read at all), the files and the errors.
     */
    public record LoadStatus(
            Instant at,
            String version,
            PolicyOrigin origin,
            List<PolicySet.PolicyFile> files,
            List<PolicyError> errors,
            boolean unreadable) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    private final AtomicReference<PolicySet> current = new AtomicReference<>(PolicySet.EMPTY);
    private final AtomicReference<LoadStatus> lastLoad = new AtomicReference<>();
    private volatile CompletableFuture<Loaded> startLoad;
    private final PolicyFiles source;
    private final PolicyEngine engine;
    private final PolicyLoader loader;
    private final Clock clock;
    private final int warnDays;
    private final Counter reloaded;
    private final Counter rejected;

    @Inject
    public ActivePolicies(
            PolicyFiles source,
            PoliciesConfig config,
            WaiversConfig waivers,
            ServiceConfig service,
            Clock clock,
            MeterRegistry metrics) {
        if (waivers.maxDays() < 1) {
            throw new IllegalStateException("policy-gate.waivers.max-days (POLICY_GATE_WAIVERS_MAX_DAYS) is "
                    + waivers.maxDays() + ": a waiver must be allowed to last at least a day");
        }
        this.source = source;
        this.warnDays = waivers.warnDays();
        this.loader = new PolicyLoader(
                        RuleTypes.installed(),
                        SecretGrants.of(config.allowedSecrets().orElse(List.of())))
                .withWaiverMaxDays(waivers.maxDays());
        this.engine =
                new PolicyEngine(VerdictStatus.valueOf(service.noPolicyVerdict().name()));
        this.clock = clock;
        this.reloaded = metrics.counter("policy_gate_policy_reloads", "outcome", "applied");
        this.rejected = metrics.counter("policy_gate_policy_reloads", "outcome", "rejected");
        metrics.gauge(
                "policy_gate_policy_load_errors",
                lastLoad,
                s -> s.get() == null ? 0 : s.get().errors().size());
        metrics.gauge(
                "policy_gate_policies_loaded", current, s -> s.get().policies().size());
    }

    /**
     * Starts reading and compiling the policy files on a thread of their own, beside the rest of start-up (the
     * service's own checks, the signing key, the templates): the first load is about half a second on 2 cores,
     * most of it loading the CEL compiler's classes, and nothing before {@link #onStart} needs it.
     */
    void beginLoading(@Observes @Priority(2) StartupEvent start) {
        startLoad = CompletableFuture.supplyAsync(
                () -> {
                    PolicyFiles.Snapshot snapshot = source.read(source.version());
                    return new Loaded(snapshot.version(), loader.load(snapshot));
                },
                task -> new Thread(task, "policy-gate-policy-load").start());
    }

    void onStart(@Observes @Priority(1000) StartupEvent start) {
        Loaded loaded = loadedAtStart();
        PolicySet set = loaded.set();
        current.set(set);
        lastLoad.set(new LoadStatus(clock.instant(), loaded.version(), set.origin(), set.files(), List.of(), false));
        if (set.policies().isEmpty()) {
            LOG.warnf("No policy found in %s: every merge request gets the no-policy verdict", set.origin());
        } else {
            LOG.infof(
                    "Loaded %d policies and %d waivers from %d files in %s",
                    set.policies().size(), set.waivers().size(), set.files().size(), set.origin());
        }
    }

    /** A set and the version of the source it was read at. */
    private record Loaded(String version, PolicySet set) {}

    /** The set {@link #beginLoading} loaded, or what stopped it (an invalid set stops the service). */
    private Loaded loadedAtStart() {
        try {
            return startLoad.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    @Scheduled(every = "${policy-gate.policies.reload-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reloadIfChanged() {
        LoadStatus last = lastLoad.get();
        // Before the start-up load there is nothing to compare with, and loading twice would slow start-up.
        if (last == null) {
            return;
        }
        String version;
        try {
            version = source.version();
        } catch (PolicyLoadException e) {
            unreadable(last, e);
            return;
        }
        // A source that could not be read is read again as soon as it answers, though its version did not change.
        if (!version.equals(last.version()) || last.unreadable()) {
            load(version);
        }
    }

    /** Reads the source now; swaps the set in only if it is valid as a whole. */
    public LoadStatus reload() {
        String version;
        try {
            version = source.version();
        } catch (PolicyLoadException e) {
            return unreadable(lastLoad.get(), e);
        }
        return load(version);
    }

    /** Reads the source at {@code version}; swaps the set in only if it is valid as a whole. */
    private synchronized LoadStatus load(String version) {
        LoadStatus last = lastLoad.get();
        PolicyFiles.Snapshot snapshot;
        try {
            snapshot = source.read(version);
        } catch (PolicyLoadException e) {
            return unreadable(last, e);
        }
        LoadStatus status;
        try {
            PolicySet loaded = loader.load(snapshot);
            current.set(loaded);
            status = new LoadStatus(
                    clock.instant(), snapshot.version(), loaded.origin(), loaded.files(), List.of(), false);
            reloaded.increment();
            LOG.infof(
                    "Reloaded %d policies and %d waivers from %d files in %s",
                    loaded.policies().size(),
                    loaded.waivers().size(),
                    loaded.files().size(),
                    loaded.origin());
        } catch (PolicyLoadException e) {
            status = new LoadStatus(
                    clock.instant(), snapshot.version(), snapshot.origin(), snapshot.fingerprint(), e.errors(), false);
            rejected.increment();
            LOG.errorf(
                    "Policy files in %s changed but are invalid; the last good set (%d policies, %s) stays in force. %s",
                    snapshot.origin(),
                    current.get().policies().size(),
                    current.get().origin(),
                    e.getMessage());
        }
        lastLoad.set(status);
        return status;
    }

    /**
     * The source could not be read at all (a repository GitLab does not answer for): the set in force stays, and the
     * errors say why until a read succeeds. Its version stays the last one read, so that the next change is seen.
     */
    private LoadStatus unreadable(LoadStatus last, PolicyLoadException e) {
        LoadStatus status = new LoadStatus(
                clock.instant(),
                last == null ? null : last.version(),
                last == null ? PolicyOrigin.NONE : last.origin(),
                last == null ? List.of() : last.files(),
                e.errors(),
                true);
        if (last == null || !e.errors().equals(last.errors())) {
            rejected.increment();
            LOG.errorf(
                    "The policies in %s cannot be read now; the set in force (%d policies, %s) stays. %s",
                    source.source(),
                    current.get().policies().size(),
                    current.get().origin(),
                    e.getMessage());
        }
        lastLoad.set(status);
        return status;
    }

    /**
     * A candidate set from files given by name and content, loaded as the set in force is (same secrets, same
     * waiver limit), and refused any call to another service that {@code live} does not make.
     *
     * @throws PolicyLoadException listing every error in every file
     */
    public PolicySet loadCandidate(Map<String, byte[]> files, PolicySet live) {
        return loader.restrictedTo(live.outboundCalls()).load(files);
    }

    /**
     * The set of {@code snapshot} as the service would load it (same rule types, secrets and waiver limit), without
     * putting it in force: what a merge request on the policy repository would bring in.
     *
     * @throws PolicyLoadException listing every error in every file
     */
    public PolicySet validate(PolicyFiles.Snapshot snapshot) {
        return loader.load(snapshot);
    }

    public PolicySet current() {
        return current.get();
    }

    public LoadStatus lastLoad() {
        return lastLoad.get();
    }

    public Verdict evaluate(MergeRequestContext mergeRequest, MergeRequestData data) {
        return evaluate(current.get(), mergeRequest, data);
    }

    /**
     * Evaluates with a set taken earlier from {@link #current()}, so the caller knows which files decided, now: the
     * waivers in force are today's (UTC), and change windows see the clock's time.
     */
    public Verdict evaluate(PolicySet set, MergeRequestContext mergeRequest, MergeRequestData data) {
        return engine.evaluate(set, mergeRequest, data, clock.instant());
    }

    /** Every waiver of the set in force as it stands today, soonest to expire first. */
    public List<WaiverStanding> waiverStandings() {
        return current().waiverStandings(today(), warnDays);
    }

    /** The waivers in force today whose last day is within policy-gate.waivers.warn-days. */
    public List<WaiverStanding> waiversExpiringSoon() {
        return waiverStandings().stream()
                .filter(w -> w.state().equals("expiring"))
                .toList();
    }

    /** True when the set in force has a waiver of this id that applies today. */
    public boolean waiverInForce(String id) {
        LocalDate today = today();
        return current().waivers().stream().anyMatch(w -> w.id().equals(id) && w.inForce(today));
    }

    /** Where the files come from, as people name it. */
    public String source() {
        return source.source();
    }

    /** The day (UTC) that decides which waivers are in force. */
    public LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
