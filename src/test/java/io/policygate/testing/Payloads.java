package io.policygate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The fixtures under src/test/resources/payloads, as loaded and as edited by a test. */
public final class Payloads {

    public static final String SAMPLE = "status-check-sample.json";
    public static final String COMPLIANT = "status-check-compliant.json";
    /** The HEAD SHA of the sample payload, which GitLab must get back exactly. */
    public static final String SAMPLE_SHA = "141be9714669a4c1ccaa013c6a7f3e462ff2a40f";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Payloads() {}

    public static String raw(String name) {
        try (InputStream in = Payloads.class.getResourceAsStream("/payloads/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture payloads/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode json(String name) {
        try {
            return (ObjectNode) JSON.readTree(raw(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture with one field replaced; {@code pointer} like "/object_attributes/iid". */
    public static String with(String name, String pointer, Object value) {
        ObjectNode root = json(name);
        int slash = pointer.lastIndexOf('/');
        ObjectNode parent = (ObjectNode) root.at(pointer.substring(0, slash));
        parent.set(pointer.substring(slash + 1), JSON.valueToTree(value));
        return write(root);
    }

    /** The fixture as merge request {@code iid} at HEAD {@code sha}. */
    public static String forMergeRequest(String name, int iid, String sha) {
        ObjectNode root = json(name);
        ObjectNode attributes = (ObjectNode) root.get("object_attributes");
        attributes.put("iid", iid);
        ((ObjectNode) attributes.get("last_commit")).put("id", sha);
        return write(root);
    }

    /** A 40-hex SHA derived from a number, distinct per number. */
    public static String sha(int n) {
        return String.format("%040x", n);
    }

    /** The fixture with one field removed. */
    public static String without(String name, String pointer) {
        ObjectNode root = json(name);
        int slash = pointer.lastIndexOf('/');
        ((ObjectNode) root.at(pointer.substring(0, slash))).remove(pointer.substring(slash + 1));
        return write(root);
    }

    public static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
