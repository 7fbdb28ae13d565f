package io.twinegress.connectrest;

/**
 * Connect could not be reached, refused our credentials, or answered something unexpected. The
 * message names the call and carries Connect's own error message, never a request body (a
 * connector config holds connection strings).
 */
public final class ConnectRestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public ConnectRestException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status, or 0 when there was no answer at all. */
    public int status() {
        return status;
    }

    /** No answer at all: the worker is down, or not where the URL says. */
    public boolean noAnswer() {
        return status == 0;
    }

    /** Connect (or a proxy in front of it) refused the credentials: HTTP 401 or 403. */
    public boolean credentialsRefused() {
        return status == 401 || status == 403;
    }
}
