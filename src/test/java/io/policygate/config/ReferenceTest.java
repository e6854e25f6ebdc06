package io.policygate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/reference.md lists every policy-gate key there is, and none that is not, each with its variable; and every
 * link between the README and the docs leads to a file and a heading that exist.
 */
class ReferenceTest {

    private static final Path REFERENCE = Path.of("docs/reference.md");

    /** A row of the keys table: its first cell holds one or more keys in code spans. */
    private static final Pattern KEY = Pattern.compile("`(policy-gate\\.[a-z0-9.<>-]+)`");

    @Test
    void theConfigurationTableListsEveryKeyThereIsAndNoOther() throws IOException {
        Set<String> documented = new TreeSet<>();
        Set<String> wrongVariable = new TreeSet<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(REFERENCE)) {
            if (line.startsWith("## ")) {
                inTable = line.equals("## Configuration keys");
            } else if (inTable && line.startsWith("| `")) {
                String[] cells = line.split("\\|");
                Matcher keys = KEY.matcher(cells[1]);
                while (keys.find()) {
                    String key = keys.group(1).replaceAll("<[a-z]+>", "*");
                    documented.add(key);
                    String variable = ConfigurationKeys.environmentVariable(keys.group(1));
                    if (!key.contains("*") && !cells[2].contains("`" + variable + "`")) {
                        wrongVariable.add(key + " should name " + variable);
                    }
                }
            }
        }
        Set<String> undocumented = new TreeSet<>(ConfigurationKeys.all());
        undocumented.removeAll(documented);
        Set<String> noSuchKey = new TreeSet<>(documented);
        noSuchKey.removeAll(ConfigurationKeys.all());
        assertEquals(Set.of(), undocumented, "keys of the @ConfigMapping interfaces docs/reference.md does not list");
        assertEquals(Set.of(), noSuchKey, "keys docs/reference.md lists that no @ConfigMapping interface has");
        assertEquals(Set.of(), wrongVariable);
    }

    @Test
    void everyLinkOfTheReadmeAndTheDocsLeadsToAFileAndAHeadingThatExist() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        Pattern link = Pattern.compile("\\]\\(([^)\\s]+)\\)");
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            Matcher links = link.matcher(Files.readString(page));
            while (links.find()) {
                String target = links.group(1);
                if (target.matches("[a-z]+:.*")) {
                    continue;
                }
                String[] parts = target.split("#", 2);
                Path file = parts[0].isEmpty()
                        ? page
                        : page.resolveSibling(parts[0]).normalize();
                if (!Files.exists(file)) {
                    broken.add(page + ": " + target + " (no such file)");
                } else if (parts.length == 2
                        && file.toString().endsWith(".md")
                        && !anchors(file).contains(parts[1])) {
                    broken.add(page + ": " + target + " (no such heading)");
                }
            }
        }
        assertEquals(List.of(), broken);
    }

    /** The anchors GitLab and GitHub give a page's headings: lower case, punctuation dropped, spaces as hyphens. */
    private static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new TreeSet<>();
        for (String line : Files.readAllLines(page)) {
            if (line.matches("#+ .*")) {
                anchors.add(line.replaceFirst("#+ ", "")
                        .trim()
                        .toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N}_ -]", "")
                        .replace(' ', '-'));
            }
        }
        return anchors;
    }
}
