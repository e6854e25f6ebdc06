package io.policygate.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the few fields of a JSON body that a {@link Shape} names, as the bytes arrive, and skips everything else
 * unread: whatever a body holds (arrays of millions of objects, a string of 24 MB, millions of keys), reading it
 * keeps a few kilobytes. Jackson's streaming parser skips a value it is not asked for without keeping it
 * ({@code nextToken} past a string, {@code skipChildren} past an array or object); what it does keep is bounded
 * here: field names are not interned (a stranger's keys would fill the symbol table), duplicate keys are not
 * tracked by Jackson (its tracker holds every name of an object) but only among the fields read, and nesting,
 * names, numbers, the strings that are read and the number of values have limits. The whole body is checked to be
 * UTF-8.
 */
final class PayloadReader {

    /** What of a JSON object is read: each named field, as a value or an object of its own. */
    sealed interface Shape {}

    /** A string, number, boolean or null, kept as its text. */
    record Scalar() implements Shape {}

    /** An object, read field by field. */
    record Fields(Map<String, Shape> fields) implements Shape {
        Fields {
            fields = Map.copyOf(fields);
        }

        /** Scalar fields of these names. */
        static Fields of(String... names) {
            Map<String, Shape> fields = new HashMap<>();
            for (String name : names) {
                fields.put(name, SCALAR);
            }
            return new Fields(fields);
        }

        /** These fields and those of {@code more}; an object named in both is read with the fields of both. */
        Fields plus(Fields more) {
            Map<String, Shape> merged = new HashMap<>(fields);
            more.fields()
                    .forEach((name, shape) -> merged.merge(
                            name,
                            shape,
                            (mine, theirs) ->
                                    mine instanceof Fields a && theirs instanceof Fields b ? a.plus(b) : theirs));
            return new Fields(merged);
        }
    }

    /** An array of objects of which each one's {@code title} is kept (GitLab's labels). */
    record Titles() implements Shape {}

    static final Scalar SCALAR = new Scalar();
    static final Titles TITLES = new Titles();

    /**
     * A value found at a path: its token (an object's START_OBJECT, a skipped array's START_ARRAY), the text of a
     * scalar, the titles of a {@link Titles} array.
     */
    record Value(JsonToken token, String text, List<String> titles) {

        boolean isNull() {
            return token == JsonToken.VALUE_NULL;
        }

        boolean isObject() {
            return token == JsonToken.START_OBJECT;
        }
    }

    /** The values read, by dotted path ("object_attributes.last_commit.id"); an absent path was not in the body. */
    record Read(Map<String, Value> values) {

        /** True when the field is in the body with a value other than null. */
        boolean has(String path) {
            Value value = values.get(path);
            return value != null && !value.isNull();
        }

        /** True when the field is in the body as an object. */
        boolean isObject(String path) {
            Value value = values.get(path);
            return value != null && value.isObject();
        }

        /** True when the field is in the body as null. */
        boolean isNull(String path) {
            Value value = values.get(path);
            return value != null && value.isNull();
        }

        /** @throws InvalidPayloadException when the field is absent, null, or not an object */
        void requireObject(String path) {
            Value value = values.get(path);
            if (value == null || value.isNull()) {
                throw new InvalidPayloadException(path, "is required");
            }
            if (!value.isObject()) {
                throw new InvalidPayloadException(path, "must be an object");
            }
        }

        /** A string field; absent or null is "" unless required. */
        String text(String path, boolean required) {
            Value value = values.get(path);
            if (value == null || value.isNull()) {
                if (required) {
                    throw new InvalidPayloadException(path, "is required");
                }
                return "";
            }
            if (value.token() != JsonToken.VALUE_STRING) {
                throw new InvalidPayloadException(path, "must be a string");
            }
            return value.text();
        }

        /** @throws InvalidPayloadException unless the field is a positive integer that fits a long */
        long positiveLong(String path) {
            Value value = values.get(path);
            if (value == null || value.isNull()) {
                throw new InvalidPayloadException(path, "is required");
            }
            if (value.token() == JsonToken.VALUE_NUMBER_INT) {
                try {
                    long number = Long.parseLong(value.text());
                    if (number > 0) {
                        return number;
                    }
                } catch (NumberFormatException e) {
                    // beyond a long: refused below
                }
            }
            throw new InvalidPayloadException(path, "must be a positive integer");
        }

        /** A whole number; 0 when absent, null or not one. */
        long longOrZero(String path) {
            Value value = values.get(path);
            try {
                return value != null && value.token() == JsonToken.VALUE_NUMBER_INT ? Long.parseLong(value.text()) : 0;
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        /** True or false; false when absent or null. */
        boolean bool(String path) {
            Value value = values.get(path);
            if (value == null || value.isNull()) {
                return false;
            }
            if (!value.token().isBoolean()) {
                throw new InvalidPayloadException(path, "must be true or false");
            }
            return value.token() == JsonToken.VALUE_TRUE;
        }

        /** The titles of a {@link Titles} field (labels); null when absent or null. */
        List<String> titles(String path) {
            Value value = values.get(path);
            if (value == null || value.isNull()) {
                return null;
            }
            if (value.titles() == null) {
                throw new InvalidPayloadException(path, "must be a list of labels");
            }
            return value.titles();
        }
    }

    private final JsonFactory json;
    private final int maxStringLength;

    /**
     * @param maxStringLength the longest string that is read (those skipped have no limit); longer is refused
     */
    PayloadReader(int maxStringLength) {
        this.maxStringLength = maxStringLength;
        this.json = JsonFactory.builder()
                .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                // The caller owns the stream: intake reads what the parser left, through the signature check.
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
                .streamReadConstraints(StreamReadConstraints.builder()
                        // GitLab's payloads nest six deep at most (changes.labels.previous[].title).
                        .maxNestingDepth(64)
                        .maxNameLength(1_000)
                        .maxNumberLength(100)
                        .maxStringLength(maxStringLength)
                        // GitLab's payloads hold 250 to 350 JSON values (the fixtures under test/resources/payloads),
                        // some 90 more per label; 200,000 leaves room for a merge request with 2,000 labels. Past it
                        // the parser stops and the rest of the body only goes through the signature's HMAC: an
                        // array of millions of empty objects costs what its bytes cost, not a tokenizer's work.
                        .maxTokenCount(200_000)
                        .build())
                .build();
    }

    /**
     * @throws InvalidPayloadException when the body is not one JSON object, or a field read is too long or twice
     * @throws UncheckedIOException when the stream fails (or was cut off as too large)
     */
    Read read(InputStream body, Fields shape) {
        Map<String, Value> values = new HashMap<>();
        // Decoded strictly, every byte of it, strings that are skipped included: GitLab sends UTF-8, and a body
        // that is not is refused rather than read with replacement characters.
        Reader text = new InputStreamReader(
                body,
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT));
        try (JsonParser parser = json.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                if (first == JsonToken.START_ARRAY) {
                    parser.skipChildren();
                }
                requireEnd(parser);
                throw new InvalidPayloadException("", "body must be a JSON object (a GitLab merge request event)");
            }
            readObject(parser, shape, "", values);
            requireEnd(parser);
        } catch (StreamConstraintsException e) {
            throw new InvalidPayloadException("", "body is beyond what policy-gate reads: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new InvalidPayloadException("", "body is not valid JSON: " + e.getOriginalMessage());
        } catch (CharacterCodingException e) {
            throw new InvalidPayloadException("", "body is not valid UTF-8");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Read(values);
    }

    /** "{...} trailing" is not one JSON document: refuse rather than read the first value. */
    private static void requireEnd(JsonParser parser) throws IOException {
        if (parser.nextToken() != null) {
            throw new InvalidPayloadException("", "body is not valid JSON: more than one value");
        }
    }

    private void readObject(JsonParser parser, Fields shape, String prefix, Map<String, Value> values)
            throws IOException {
        Set<String> seen = new HashSet<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            Shape field = shape.fields().get(name);
            if (field == null) {
                parser.skipChildren();
                continue;
            }
            String path = prefix + name;
            if (!seen.add(name)) {
                // Two values for one field: which one a reader takes differs between parsers. Refused, not guessed.
                throw new InvalidPayloadException(path, "appears twice in its object");
            }
            values.put(path, value(parser, token, field, path, values));
        }
    }

    private Value value(JsonParser parser, JsonToken token, Shape shape, String path, Map<String, Value> values)
            throws IOException {
        if (shape instanceof Fields fields && token == JsonToken.START_OBJECT) {
            readObject(parser, fields, path + ".", values);
            return new Value(token, null, null);
        }
        if (shape instanceof Titles && token == JsonToken.START_ARRAY) {
            return new Value(token, null, titles(parser, path));
        }
        if (token.isStructStart()) {
            parser.skipChildren();
            return new Value(token, null, null);
        }
        return new Value(token, token.isScalarValue() ? text(parser, path) : null, null);
    }

    private List<String> titles(JsonParser parser, String path) throws IOException {
        List<String> titles = new ArrayList<>();
        Fields titled = new Fields(Map.of("title", SCALAR));
        JsonToken element;
        while ((element = parser.nextToken()) != JsonToken.END_ARRAY) {
            String at = path + "[" + titles.size() + "]";
            Map<String, Value> label = new HashMap<>();
            if (element == JsonToken.START_OBJECT) {
                readObject(parser, titled, at + ".", label);
            } else {
                parser.skipChildren();
            }
            Value title = label.get(at + ".title");
            if (title == null || title.token() != JsonToken.VALUE_STRING) {
                throw new InvalidPayloadException(at + ".title", "must be a string");
            }
            titles.add(title.text());
        }
        return titles;
    }

    private String text(JsonParser parser, String path) throws IOException {
        try {
            return parser.getText();
        } catch (StreamConstraintsException e) {
            throw new InvalidPayloadException(path, "is longer than " + maxStringLength + " characters");
        }
    }
}
