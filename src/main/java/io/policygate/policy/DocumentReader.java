package io.policygate.policy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One YAML document of a policy or waiver file being bound to what it describes: each problem found is added to the
 * errors with the file, the line and the field, so that one run reports them all.
 */
abstract class DocumentReader {

    static final ObjectMapper BINDER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    static {
        // `name: 42` or `pattern: true` is an author's mistake, not a string.
        for (CoercionInputShape shape :
                List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
            BINDER.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
    }

    final String file;
    final YamlDocument document;
    final List<PolicyError> errors;

    DocumentReader(String file, YamlDocument document, List<PolicyError> errors) {
        this.file = file;
        this.document = document;
        this.errors = errors;
    }

    String required(String pointer, String value, String what) {
        if (value == null || value.isBlank()) {
            error(pointer, "is required: " + what);
            return null;
        }
        return value;
    }

    LocalDate date(String pointer, String text) {
        if (required(pointer, text, "a date, YYYY-MM-DD") == null) {
            return null;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            error(pointer, "'" + text + "' is not a date as YYYY-MM-DD");
            return null;
        }
    }

    /** Reads project ids and path globs into {@code ids} and {@code paths}, with an error for anything else. */
    void projects(List<JsonNode> projects, String pointer, List<Long> ids, List<Glob> paths) {
        for (int i = 0; i < projects.size(); i++) {
            JsonNode project = projects.get(i);
            if (project.isIntegralNumber() && project.canConvertToLong() && project.longValue() > 0) {
                ids.add(project.longValue());
            } else if (project.isTextual() && !project.textValue().isBlank()) {
                paths.add(Glob.of(project.textValue()));
            } else {
                error(pointer + "/" + i, "must be a project id (a positive number) or a path glob");
            }
        }
    }

    <T> T bind(JsonNode node, String pointer, Class<T> type) {
        try {
            return BINDER.treeToValue(node, type);
        } catch (UnrecognizedPropertyException e) {
            error(
                    pointer + YamlDocument.pointerOf(e),
                    "unknown field '" + e.getPropertyName() + "'; known fields: " + known(e.getKnownPropertyIds()));
        } catch (InvalidFormatException e) {
            error(pointer + YamlDocument.pointerOf(e), "'" + e.getValue() + "' is not " + describe(e.getTargetType()));
        } catch (MismatchedInputException e) {
            error(pointer + YamlDocument.pointerOf(e), "must be " + describe(e.getTargetType()));
        } catch (IOException e) {
            error(pointer, e.getMessage());
        }
        return null;
    }

    void error(String pointer, String message) {
        errors.add(new PolicyError(file, document.lineOf(pointer), YamlDocument.fieldName(pointer), message));
    }

    static List<Glob> globs(List<String> texts) {
        return texts == null ? List.of() : texts.stream().map(Glob::of).toList();
    }

    private static String known(Collection<Object> ids) {
        return ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type.isEnum()) {
            return "one of "
                    + Arrays.stream(type.getEnumConstants())
                            .map(String::valueOf)
                            .map(s -> s.toLowerCase(java.util.Locale.ROOT))
                            .toList();
        }
        if (CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Number.class.isAssignableFrom(type) || type == int.class || type == long.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return "a mapping";
    }
}
