package io.policygate.policy;

import io.policygate.digest.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A folder of policy files, with the waiver files of its {@code waivers/} folder: what the service reads by default
 * (policy-gate.policies.dir) and what the commands read.
 */
public final class PolicyFolder {

    /** The folder, inside the policy folder, that holds waiver files. */
    public static final String WAIVERS_FOLDER = "waivers";

    private PolicyFolder() {}

    /**
     * The policy files of a folder and the waiver files of its {@code waivers/} folder, by the name errors give
     * them (the path), in name order.
     *
     * @throws PolicyLoadException when the folder does not exist
     */
    public static Map<String, byte[]> read(Path dir, List<PolicyError> errors) {
        if (!Files.isDirectory(dir)) {
            throw new PolicyLoadException(List.of(new PolicyError(
                    dir.toString(), 0, null, "policy directory does not exist (set policy-gate.policies.dir)")));
        }
        Map<String, byte[]> files = new TreeMap<>();
        for (Path file : setFiles(dir, errors)) {
            try {
                files.put(file.toString(), Files.readAllBytes(file));
            } catch (IOException e) {
                errors.add(new PolicyError(file.toString(), 0, null, "cannot read: " + e.getMessage()));
            }
        }
        return files;
    }

    /**
     * A file given as {@code waivers/NAME.yaml} (a candidate) or found in a policy folder's waivers/ folder. Read from
     * the name as text: a candidate's name comes from a request, and is no path this service opens.
     */
    public static boolean isWaiverFile(String name) {
        String parent = name.substring(0, Math.max(0, name.lastIndexOf('/')));
        return parent.equals(WAIVERS_FOLDER) || parent.endsWith("/" + WAIVERS_FOLDER);
    }

    /**
     * What the policy files are now: their names and content hashes. Content, not modification times,
     * so that a Kubernetes ConfigMap update (an atomic swap of the ..data symlink) is seen as it is.
     */
    public static List<PolicySet.PolicyFile> fingerprint(Path dir) {
        List<PolicySet.PolicyFile> files = new ArrayList<>();
        for (Path file : setFiles(dir, new ArrayList<>())) {
            try {
                files.add(new PolicySet.PolicyFile(file.toString(), Sha256.hex(Files.readAllBytes(file))));
            } catch (IOException e) {
                files.add(new PolicySet.PolicyFile(file.toString(), "unreadable: " + e.getMessage()));
            }
        }
        return files;
    }

    /** The policy files of {@code dir}, then the waiver files of its waivers/ folder when it has one. */
    private static List<Path> setFiles(Path dir, List<PolicyError> errors) {
        List<Path> files = new ArrayList<>(yamlFiles(dir, errors));
        Path waivers = dir.resolve(WAIVERS_FOLDER);
        if (Files.isDirectory(waivers)) {
            files.addAll(yamlFiles(waivers, errors));
        }
        return files;
    }

    /** A YAML file's name, neither hidden (ConfigMap's ..data) nor a test file's (*.test.yaml). */
    public static boolean isPolicyFileName(String name) {
        return !name.startsWith(".")
                && (name.endsWith(".yaml") || name.endsWith(".yml"))
                && !name.endsWith(".test.yaml")
                && !name.endsWith(".test.yml");
    }

    /** YAML files directly in {@code dir}; hidden entries (ConfigMap's ..data) and *.test.yaml are not policies. */
    private static List<Path> yamlFiles(Path dir, List<PolicyError> errors) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> isPolicyFileName(p.getFileName().toString()))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            errors.add(new PolicyError(dir.toString(), 0, null, "cannot list: " + e.getMessage()));
            return List.of();
        }
    }
}
