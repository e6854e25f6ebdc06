package io.policygate.config;

import java.util.List;

/**
 * A bean that checks the part of the configuration it owns. {@link StartupConfigurationCheck} asks each before the
 * service starts and refuses to start while any has a problem, printing them all at once.
 */
public interface ConfigurationProblems {

    /** One line per problem, naming the key, its environment variable and what to do; empty when all is well. */
    List<String> problems();
}
