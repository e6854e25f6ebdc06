package io.policygate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/reference.md lists every policy-gate key there is, and none that is not, each with its variable. */
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
        assertEquals(ConfigurationKeys.all(), documented, "docs/reference.md's keys against the @ConfigMapping keys");
        assertEquals(Set.of(), wrongVariable);
    }
}
