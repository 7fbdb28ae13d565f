package io.twinegress.cli.body;

import java.util.List;

/** What the user gave is invalid; nothing was changed. Exit code 1. */
public final class InvalidInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    public InvalidInputException(List<Problem> problems) {
        super(problems.size() + " problem(s)");
        this.problems = List.copyOf(problems);
    }

    public InvalidInputException(String field, String message) {
        this(List.of(new Problem(field, message)));
    }

    public List<Problem> problems() {
        return problems;
    }
}
