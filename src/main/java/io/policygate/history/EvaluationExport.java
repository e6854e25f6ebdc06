package io.policygate.history;

import static io.policygate.history.QueryParameters.badParameter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.policygate.journal.EvaluationRecords;
import io.policygate.journal.MergeRecords;
import io.policygate.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The audit export: every evaluation of a window, as CSV or JSON lines, written while the journal is read so that
 * a year of evaluations never sits in memory. Evaluations are kept for policy-gate.history.keep (90 days by
 * default); export before they are pruned.
 */
@ApplicationScoped
public class EvaluationExport {

    /** What the export writes. */
    public enum Format {
        CSV("text/csv;charset=UTF-8", "csv"),
        JSONL("application/x-ndjson", "jsonl");

        public final String mediaType;
        public final String extension;

        Format(String mediaType, String extension) {
            this.mediaType = mediaType;
            this.extension = extension;
        }
    }

    /** What the export lists: evaluations (created in the window) or merges (merged in it). */
    public enum Kind {
        EVALUATIONS,
        MERGES;

        String fileName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A checked request: the window, the format and what it lists. */
    public record Request(Instant from, Instant to, Format format, Kind kind) {
        public String fileName() {
            return "policy-gate-" + kind.fileName() + "-" + from + "-" + to + "." + format.extension;
        }
    }

    private static final List<String> COLUMNS = List.of(
            "id",
            "createdAt",
            "finishedAt",
            "projectId",
            "projectPath",
            "mergeRequestIid",
            "sha",
            "checkId",
            "state",
            "verdict",
            "verdictIfEnforced",
            "policyFiles",
            "policySource",
            "policyCommit",
            "waivers",
            "reportOutcome",
            "reportStatus",
            "tampered",
            "signed");

    private static final List<String> MERGE_COLUMNS = List.of(
            "projectId",
            "projectPath",
            "mergeRequestIid",
            "title",
            "targetBranch",
            "sha",
            "mergeCommitSha",
            "mergedAt",
            "mergedBy",
            "gated",
            "reason",
            "evaluationId",
            "webUrl");

    private final EvaluationRecords records;
    private final MergeRecords merges;
    private final ObjectMapper json;
    private final Clock clock;

    @Inject
    public EvaluationExport(EvaluationRecords records, MergeRecords merges, ObjectMapper json, Clock clock) {
        this.records = records;
        this.merges = merges;
        this.json = json;
        this.clock = clock;
    }

    /**
     * @param from required: an instant (2026-12-01T08:00:00Z) or a day (2026-12-01, from its start, UTC)
     * @param to optional, the same forms (a day up to its end); default now
     * @param format csv (default) or jsonl
     * @param kind evaluations (default) or merges
     * @throws ProblemException 400 naming the parameter at fault
     */
    public Request request(String from, String to, String format, String kind) {
        if (from == null || from.isBlank()) {
            throw badParameter("from", "is required: the start of the window, e.g. 2026-12-01 or 2026-12-01T08:00:00Z");
        }
        Instant start = QueryParameters.instant("from", from, false);
        Instant end = to == null || to.isBlank() ? clock.instant() : QueryParameters.instant("to", to, true);
        if (!start.isBefore(end)) {
            throw badParameter("to", "must be after from (" + start + ")");
        }
        Format chosen;
        try {
            chosen = format == null || format.isBlank()
                    ? Format.CSV
                    : Format.valueOf(format.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw badParameter("format", "must be csv or jsonl");
        }
        Kind listed;
        try {
            listed = kind == null || kind.isBlank()
                    ? Kind.EVALUATIONS
                    : Kind.valueOf(kind.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw badParameter("kind", "must be evaluations or merges");
        }
        return new Request(start, end, chosen, listed);
    }

    /** Writes the window's evaluations or merges to {@code out} as they are read. */
    public void write(Request request, OutputStream out) throws IOException {
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        List<String> columns = request.kind() == Kind.MERGES ? MERGE_COLUMNS : COLUMNS;
        if (request.format() == Format.CSV) {
            writer.write(String.join(",", columns) + "\r\n");
        }
        Consumer<List<Object>> line = values -> {
            try {
                writer.write(request.format() == Format.CSV ? csv(values) : jsonLine(columns, values));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        try {
            if (request.kind() == Kind.MERGES) {
                merges.export(request.from(), request.to(), merge -> line.accept(values(merge)));
            } else {
                records.export(request.from(), request.to(), row -> line.accept(values(row)));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        writer.flush();
    }

    private static List<Object> values(MergeRecords.MergeRecord merge) {
        return Arrays.asList(
                merge.projectId(),
                merge.projectPath(),
                merge.mergeRequestIid(),
                merge.title(),
                merge.targetBranch(),
                merge.sha(),
                merge.mergeCommitSha(),
                merge.mergedAt(),
                merge.mergedBy(),
                merge.gated(),
                merge.reason(),
                merge.evaluationId(),
                merge.webUrl());
    }

    private List<Object> values(EvaluationRecords.ExportRow row) {
        List<Object> values = new ArrayList<>();
        values.add(row.id());
        values.add(row.createdAt());
        values.add(row.finishedAt());
        values.add(row.projectId());
        values.add(row.projectPath());
        values.add(row.mergeRequestIid());
        values.add(row.sha());
        values.add(row.checkId());
        values.add(row.state());
        values.add(row.verdict());
        values.add(row.verdictIfEnforced());
        values.add(policyFiles(row.policyFiles()));
        values.add(row.policyOrigin().source());
        values.add(row.policyOrigin().commit());
        values.add(row.waivers());
        values.add(row.reportOutcome());
        values.add(row.reportStatus());
        values.add(row.tampered());
        values.add(row.signed());
        return values;
    }

    /** The policy files that decided, "path sha256" each, or an empty list before a verdict. */
    private List<String> policyFiles(String filesJson) {
        List<String> files = new ArrayList<>();
        if (filesJson != null) {
            try {
                for (JsonNode file : json.readTree(filesJson)) {
                    files.add(file.path("path").asText() + " "
                            + file.path("sha256").asText());
                }
            } catch (JsonProcessingException e) {
                files.add("unreadable: " + e.getOriginalMessage());
            }
        }
        return files;
    }

    private static String csv(List<Object> values) {
        List<String> cells = new ArrayList<>();
        for (Object value : values) {
            String text = value == null
                    ? ""
                    : value instanceof List<?> list ? String.join(";", (List<String>) list) : value.toString();
            text = inert(text);
            cells.add(text.matches("[^\",\r\n]*") ? text : "\"" + text.replace("\"", "\"\"") + "\"");
        }
        return String.join(",", cells) + "\r\n";
    }

    /**
     * A cell a spreadsheet shows as text, never runs as a formula: one that starts with = + - @, a tab or a carriage
     * return gets a leading ' (OWASP, CSV injection). Some cells hold what a webhook named (a project's path before
     * GitLab was read) or what GitLab's users wrote; an auditor opens the export in a spreadsheet.
     */
    static String inert(String cell) {
        return !cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0 ? "'" + cell : cell;
    }

    private String jsonLine(List<String> columns, List<Object> values) throws JsonProcessingException {
        ObjectNode line = json.createObjectNode();
        for (int i = 0; i < columns.size(); i++) {
            Object value = values.get(i);
            line.set(columns.get(i), json.valueToTree(value instanceof Instant instant ? instant.toString() : value));
        }
        return json.writeValueAsString(line) + "\n";
    }
}
