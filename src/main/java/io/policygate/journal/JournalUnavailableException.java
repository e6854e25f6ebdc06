package io.policygate.journal;

/** The journal database cannot be reached or refused a write; intake answers 503. */
public class JournalUnavailableException extends RuntimeException {

    public JournalUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
