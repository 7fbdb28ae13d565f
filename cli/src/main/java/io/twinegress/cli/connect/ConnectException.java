package io.twinegress.cli.connect;

/** Connect could not be reached, refused our credentials, or answered something unexpected. */
public final class ConnectException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public ConnectException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status, or 0 when there was no answer at all. */
    public int status() {
        return status;
    }

    /** No answer, or the credentials were refused: exit code 3. */
    public boolean unreachable() {
        return status == 0 || status == 401 || status == 403;
    }
}
