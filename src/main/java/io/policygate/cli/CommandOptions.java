package io.policygate.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** A command's long options: single-valued, repeatable, and flags. Anything else is a usage error. */
final class CommandOptions {

    private final Map<String, List<String>> values = new TreeMap<>();

    private CommandOptions() {
    }

    /** @throws IllegalArgumentException naming the first unknown or incomplete option */
    static CommandOptions parse(List<String> args, Set<String> single, Set<String> repeatable, Set<String> flags) {
        CommandOptions options = new CommandOptions();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (flags.contains(arg)) {
                options.values.put(arg, List.of());
            } else if ((single.contains(arg) || repeatable.contains(arg)) && i + 1 < args.size()) {
                List<String> given = options.values.computeIfAbsent(arg, k -> new ArrayList<>());
                if (single.contains(arg) && !given.isEmpty()) {
                    throw new IllegalArgumentException(arg + " is given twice");
                }
                given.add(args.get(++i));
            } else {
                throw new IllegalArgumentException("unknown or incomplete option: " + arg);
            }
        }
        return options;
    }

    /** The option's value, or null. */
    String get(String option) {
        List<String> given = values.get(option);
        return given == null || given.isEmpty() ? null : given.get(0);
    }

    String get(String option, String otherwise) {
        String value = get(option);
        return value == null ? otherwise : value;
    }

    List<String> all(String option) {
        return values.getOrDefault(option, List.of());
    }

    boolean has(String flag) {
        return values.containsKey(flag);
    }

    /** @throws IllegalArgumentException when the variable is not set */
    static String fromEnv(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("environment variable " + variable + " is not set");
        }
        return value;
    }
}
