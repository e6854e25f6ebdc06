package io.policygate.journal;

import static io.policygate.journal.Jdbc.instant;
import static io.policygate.journal.Jdbc.timestamp;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Optional;

/** The policy repository's pin (journal table policy_pin): one row at most, shared by every replica. */
@ApplicationScoped
public class PolicyPins {

    /** The commit the policies are pinned at, who pinned them, when and why. */
    public record Pin(String commit, String by, Instant at, String reason) {}

    private static final int ONLY = 1;

    private final Jdbc jdbc;

    @Inject
    public PolicyPins(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Pin> current() {
        return jdbc.first(
                "SELECT commit_sha, pinned_by, pinned_at, reason FROM policy_pin WHERE id = ?",
                rs -> new Pin(rs.getString(1), rs.getString(2), instant(rs, 3), rs.getString(4)),
                ONLY);
    }

    /** Pins, replacing a pin there was. */
    public void pin(Pin pin) {
        jdbc.inTransaction("cannot pin the policies", c -> {
            Jdbc.update(c, "DELETE FROM policy_pin WHERE id = ?", ONLY);
            Jdbc.update(
                    c,
                    "INSERT INTO policy_pin (id, commit_sha, pinned_by, pinned_at, reason) VALUES (?, ?, ?, ?, ?)",
                    ONLY,
                    pin.commit(),
                    pin.by().substring(0, Math.min(200, pin.by().length())),
                    timestamp(pin.at()),
                    pin.reason());
            return null;
        });
    }

    /** Removes the pin, if there is one; true when there was. */
    public boolean unpin() {
        return jdbc.update("DELETE FROM policy_pin WHERE id = ?", ONLY) > 0;
    }
}
