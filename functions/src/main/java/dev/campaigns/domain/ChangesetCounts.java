package dev.campaigns.domain;

import java.time.Instant;

/**
 * A campaign's changesets at one point in time, for a burndown chart (Sourcegraph's ChangesetCounts).
 * {@code openPending} counts open changesets that are neither approved nor have changes requested.
 */
public record ChangesetCounts(Instant date, int total, int merged, int closed, int open, int openApproved,
                              int openChangesRequested, int openPending) {
}
