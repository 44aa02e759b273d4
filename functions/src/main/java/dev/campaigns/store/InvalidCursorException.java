package dev.campaigns.store;

/** A pagination cursor that the repository did not make. */
public final class InvalidCursorException extends IllegalArgumentException {
    public InvalidCursorException() {
        super("invalid pagination cursor: pass a cursor from pageInfo.endCursor");
    }
}
