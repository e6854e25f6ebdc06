package io.policygate.policy;

/** Where a policy was written: its file (as given to the loader) and the line its document starts on. */
public record PolicySource(String file, int line) {

    @Override
    public String toString() {
        return file + ":" + line;
    }
}
