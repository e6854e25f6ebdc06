package io.policygate.policy.rules;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.policygate.policy.Change;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the license declarations a merge request adds: {@code SPDX-License-Identifier:} lines in any
 * file, and the license fields of package.json, Cargo.toml, pyproject.toml and pom.xml. Only added
 * lines count: a merge request answers for what it changes.
 */
final class LicenseDeclarations {

    /** One declaration: where (path:line) and the expression as written. */
    record Declaration(String where, String expression) {}

    private static final Pattern SPDX_LINE =
            Pattern.compile("SPDX-License-Identifier:\\s*(.+?)\\s*(\\*/|-->|\\*\\)|#\\}|%>)?\\s*$");
    private static final Pattern PACKAGE_JSON = Pattern.compile("\"license\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern TOML = Pattern.compile("^\\s*license\\s*=\\s*(?:\\{\\s*text\\s*=\\s*)?\"([^\"]*)\"");
    private static final Pattern POM_NAME = Pattern.compile("<name>\\s*([^<]+?)\\s*</name>");
    private static final Pattern HUNK = Pattern.compile("^@@ -\\d+(?:,\\d+)? \\+(\\d+)(?:,\\d+)? @@");

    private LicenseDeclarations() {}

    static List<Declaration> in(List<Change> changes) {
        List<Declaration> found = new ArrayList<>();
        for (Change change : changes) {
            if (!change.deleted() && change.diff() != null) {
                scan(change, found);
            }
        }
        return found;
    }

    private static void scan(Change change, List<Declaration> found) {
        String file = change.path().substring(change.path().lastIndexOf('/') + 1);
        int line = 0;
        boolean inPomLicense = false;
        for (String raw : change.diff().split("\n", -1)) {
            Matcher hunk = HUNK.matcher(raw);
            if (hunk.find()) {
                line = Integer.parseInt(hunk.group(1));
                continue;
            }
            if (raw.startsWith("-") || raw.startsWith("\\")) {
                continue;
            }
            boolean added = raw.startsWith("+");
            String text = raw.isEmpty() ? "" : raw.substring(1);
            String where = change.path() + ":" + line;
            line++;
            inPomLicense = updatePomState(file, text, inPomLicense);
            if (!added) {
                continue;
            }
            addIfFound(SPDX_LINE, text, where, found);
            switch (file) {
                case "package.json" -> addIfFound(PACKAGE_JSON, text, where, found);
                case "Cargo.toml", "pyproject.toml" -> addIfFound(TOML, text, where, found);
                case "pom.xml" -> {
                    if (inPomLicense) {
                        addIfFound(POM_NAME, text, where, found);
                    }
                }
                default -> {}
            }
        }
    }

    private static boolean updatePomState(String file, String text, boolean inLicense) {
        if (!file.equals("pom.xml")) {
            return false;
        }
        if (text.contains("<license>")) {
            return true;
        }
        return inLicense && !text.contains("</license>");
    }

    private static void addIfFound(Pattern pattern, String text, String where, List<Declaration> found) {
        Matcher matcher = pattern.matcher(text);
        if (matcher.find() && !matcher.group(1).isBlank()) {
            found.add(new Declaration(where, matcher.group(1).trim()));
        }
    }
}
