package io.policygate.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One YAML document of a policy file as a JSON tree, with the line of every node, so that errors
 * found after parsing (a bad regex, a CEL error) can still name the line they come from.
 */
public final class YamlDocument {

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonNode root;
    private final int line;
    private final Map<String, Integer> lineByPointer;

    private YamlDocument(JsonNode root, int line, Map<String, Integer> lineByPointer) {
        this.root = root;
        this.line = line;
        this.lineByPointer = lineByPointer;
    }

    /** A file that is not YAML at all (or has duplicate keys), at the line the parser stopped. */
    public static final class SyntaxException extends Exception {
        public final int line;

        SyntaxException(int line, String message) {
            super(message);
            this.line = line;
        }
    }

    public static List<YamlDocument> readAll(String text) throws SyntaxException {
        List<YamlDocument> documents = new ArrayList<>();
        try (JsonParser parser = YAML.createParser(text)) {
            while (parser.nextToken() != null) {
                Map<String, Integer> lines = new HashMap<>();
                int start = parser.currentTokenLocation().getLineNr();
                JsonNode root = readNode(parser, "", lines);
                if (!root.isNull()) {
                    documents.add(new YamlDocument(root, start, lines));
                }
            }
        } catch (SyntaxExceptionAt e) {
            throw new SyntaxException(e.line, e.getMessage());
        } catch (JsonProcessingException e) {
            int at = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new SyntaxException(
                    at,
                    "not valid YAML: "
                            + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new SyntaxException(0, "cannot read: " + e.getMessage());
        }
        return documents;
    }

    private static JsonNode readNode(JsonParser parser, String pointer, Map<String, Integer> lines) throws IOException {
        lines.putIfAbsent(pointer, parser.currentTokenLocation().getLineNr());
        switch (parser.currentToken()) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    String child = pointer + "/" + name;
                    int fieldLine = parser.currentTokenLocation().getLineNr();
                    if (object.has(name)) {
                        throw new SyntaxExceptionAt(fieldLine, "duplicate key '" + name + "'");
                    }
                    lines.put(child, fieldLine);
                    parser.nextToken();
                    object.set(name, readNode(parser, child, lines));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                int index = 0;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(readNode(parser, pointer + "/" + index++, lines));
                }
                return array;
            }
            case VALUE_STRING -> {
                return NODES.textNode(parser.getText());
            }
            case VALUE_NUMBER_INT -> {
                return NODES.numberNode(parser.getBigIntegerValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(parser.getDecimalValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(parser.getBooleanValue());
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default ->
                throw new SyntaxExceptionAt(
                        parser.currentTokenLocation().getLineNr(),
                        "unsupported YAML construct " + parser.currentToken());
        }
    }

    /** Unchecked carrier out of the recursive reader; turned into {@link SyntaxException} by the caller. */
    private static final class SyntaxExceptionAt extends RuntimeException {
        final int line;

        SyntaxExceptionAt(int line, String message) {
            super(message);
            this.line = line;
        }
    }

    public JsonNode root() {
        return root;
    }

    public int line() {
        return line;
    }

    /** "/rules/0/pattern" as authors read it: "rules[0].pattern". */
    public static String fieldName(String pointer) {
        return pointer.replaceAll("/(\\d+)", "[$1]").replace('/', '.').replaceFirst("^\\.", "");
    }

    /** Where in the bound tree a Jackson binding error is, as a JSON pointer relative to the bound node. */
    public static String pointerOf(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? "/" + ref.getFieldName() : "/" + ref.getIndex())
                .collect(Collectors.joining());
    }

    /** The line of the node at {@code pointer}, or of its nearest ancestor that has one. */
    public int lineOf(String pointer) {
        String p = pointer;
        while (!p.isEmpty()) {
            Integer found = lineByPointer.get(p);
            if (found != null) {
                return found;
            }
            p = p.substring(0, p.lastIndexOf('/'));
        }
        return line;
    }
}
