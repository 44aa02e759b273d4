package dev.campaigns.store;

import dev.campaigns.codehost.PullRequestStatus;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.ChangesetEvent;
import dev.campaigns.domain.ChangesetRead;
import dev.campaigns.domain.ChangesetState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Changesets as code host truth: one per pull request (shared by every campaign that tracks it) and its history.
 * Writes are ordered by the time their read started: a read that started earlier never overwrites one that started
 * later, and the events recorded are exactly the differences between consecutive stored states. Which campaigns a
 * changeset belongs to is written by {@link CampaignRepository}. Implementations: {@link ChangesetStore} (DynamoDB)
 * and {@link InMemoryRepositories}.
 */
public interface ChangesetRepository {

    /**
     * Records what the code host said, read starting at {@code readAt}, with the events that differ from the stored
     * state ({@code ChangesetRead.impliedEvents}). Creates the changeset on first sight ({@code ownerCampaignId}: the
     * campaign that opened the pull request, kept from the first write that names one; null when only tracked).
     * Returns the stored changeset; a read not newer than the stored one changes nothing.
     */
    Changeset observe(PullRequestStatus status, Instant readAt, String ownerCampaignId);

    /** Records that the pull request is gone (state DELETED, an event at {@code readAt}), unless read earlier. */
    void markDeleted(String id, Instant readAt);

    Optional<Changeset> changeset(String id);

    /** The changesets with these IDs, in the given order (missing ones left out). */
    List<Changeset> changesets(List<String> ids);

    /** A changeset's recorded history, in time order. */
    List<ChangesetEvent> events(String id);

    /** The IDs of the {@code limit} changesets synced longest ago (the scheduled sync's work list). */
    List<String> stalest(int limit);

    /** A pull request's status as the domain reads it: its states and since when each holds. */
    static ChangesetRead read(PullRequestStatus status) {
        ChangesetState state = ChangesetState.valueOf(status.pullRequest().state().name());
        Instant stateAt = switch (state) {
            case MERGED -> first(status.mergedAt(), status.updatedAt());
            case CLOSED -> first(status.closedAt(), status.updatedAt());
            default -> status.updatedAt();
        };
        return new ChangesetRead(state, status.reviewState(), status.checkState(), status.createdAt(), stateAt,
                first(status.reviewChangedAt(), status.updatedAt()), first(status.checkChangedAt(),
                status.updatedAt()));
    }

    private static Instant first(Instant a, Instant b) {
        return a != null ? a : b;
    }
}
