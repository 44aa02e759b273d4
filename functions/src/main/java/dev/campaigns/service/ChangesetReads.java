package dev.campaigns.service;

import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.PullRequestStatus;
import dev.campaigns.domain.Changeset;
import dev.campaigns.store.ChangesetRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The one way a changeset is brought up to date: read its truth from the code host now, then record it ordered by
 * the read's start ({@link ChangesetRepository#observe}); a pull request the host no longer has is recorded DELETED.
 * Tracking, webhooks, the scheduled sync and closing all sync through it.
 */
public final class ChangesetReads {
    private final ChangesetRepository changesets;
    private final Supplier<CodeHostAccess> codeHost;
    private final Clock clock;
    private final Supplier<AutoMerge> autoMerge;

    /** @param codeHost supplied on first use: reads that never reach the code host need no token */
    public ChangesetReads(ChangesetRepository changesets, Supplier<CodeHostAccess> codeHost, Clock clock) {
        this(changesets, codeHost, clock, null);
    }

    /** @param autoMerge consulted after every read (issue 16's auto-merge); null: none */
    public ChangesetReads(ChangesetRepository changesets, Supplier<CodeHostAccess> codeHost, Clock clock,
                          Supplier<AutoMerge> autoMerge) {
        this.autoMerge = autoMerge;
        this.changesets = changesets;
        this.codeHost = codeHost;
        this.clock = clock;
    }

    CodeHostAccess codeHost() {
        return codeHost.get();
    }

    /** Reads {@code c}'s pull request now and records it; returns the changeset as stored. */
    Changeset sync(Changeset c) {
        Instant readAt = clock.instant();
        try {
            PullRequestStatus status = codeHost.get().codeHost().loadPullRequestStatus(c.repository(),
                    Long.parseLong(c.externalID()));
            Changeset read = changesets.observe(status, readAt, null);
            if (autoMerge != null && autoMerge.get().consider(read)) {
                return sync(read); // merged now: record it (the merge's webhook would too)
            }
            return read;
        } catch (CodeHostException e) {
            if (e.kind() == CodeHostException.Kind.NOT_FOUND) {
                changesets.markDeleted(c.id(), readAt);
                return changesets.changeset(c.id()).orElseThrow();
            }
            throw e;
        }
    }
}
