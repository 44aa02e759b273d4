package dev.campaigns.domain;

import java.time.Instant;

/**
 * A campaign: the same change, made by a bot on {@code branch}, in every repository of its plan, each
 * becoming a changeset (a pull request) of the campaign.
 *
 * @param createdAt also the author and committer date of every commit the campaign makes, so that a retried
 *                  commit step always produces the same commit SHA
 * @param executions how many background executions were started (the first, then one per retry); 0 while the
 *                   campaign is unpublished
 * @param planId     null for a campaign created without a plan, which only tracks existing pull requests
 * @param closedAt   when the campaign was closed, or null while it is open
 * @param tracked    how many existing pull requests were added to it (addChangesetsToCampaign); its changesets
 *                   number {@code counters.completed() + tracked}
 * @param cancelledAt when {@code cancelCampaign} stopped its changeset creation, or null (cleared by a retry): while
 *                    set, the pull-request step opens nothing
 * @param generation  which generation of changeset jobs is the campaign's: 1 from its creation, one more with each
 *                    {@code updateCampaign}; {@code counters} count the current generation's jobs
 * @param previousPlanId the plan of the previous generation (null in generation 1): an update's jobs find their
 *                    repository's earlier changeset job through it
 * @param updatedAt   when the current generation was started by {@code updateCampaign} (null in generation 1); the
 *                    author and committer date of the commits it makes, as {@code createdAt} is for generation 1
 * @param unpublished of a campaign published in part ({@code publishChangesets}), how many of its plan's jobs are not
 *                    published yet (no changeset job exists for them; counted among {@code counters.pending()}); 0
 *                    otherwise. See {@link #unpublishedCount()}
 */
public record Campaign(String id, String owner, String name, String description, String branch, String planId,
                       boolean draft, Instant createdAt, JobCounters counters, int executions, Instant closedAt,
                       int tracked, Instant cancelledAt, int generation, String previousPlanId, Instant updatedAt,
                       int unpublished) {

    public Campaign(String id, String owner, String name, String description, String branch, String planId,
                    boolean draft, Instant createdAt, JobCounters counters, int executions, Instant closedAt,
                    int tracked, Instant cancelledAt, int generation, String previousPlanId, Instant updatedAt) {
        this(id, owner, name, description, branch, planId, draft, createdAt, counters, executions, closedAt, tracked,
                cancelledAt, generation, previousPlanId, updatedAt, 0);
    }

    public Campaign(String id, String owner, String name, String description, String branch, String planId,
                    boolean draft, Instant createdAt, JobCounters counters, int executions, Instant closedAt,
                    int tracked, Instant cancelledAt) {
        this(id, owner, name, description, branch, planId, draft, createdAt, counters, executions, closedAt, tracked,
                cancelledAt, 1, null, null, 0);
    }

    public Campaign(String id, String owner, String name, String description, String branch, String planId,
                    boolean draft, Instant createdAt, JobCounters counters, int executions, Instant closedAt,
                    int tracked) {
        this(id, owner, name, description, branch, planId, draft, createdAt, counters, executions, closedAt, tracked,
                null);
    }

    public Campaign(String id, String owner, String name, String description, String branch, String planId,
                    boolean draft, Instant createdAt, JobCounters counters, int executions) {
        this(id, owner, name, description, branch, planId, draft, createdAt, counters, executions, null, 0);
    }

    /**
     * Whether the campaign's changeset creation was started: always for a campaign without a plan (it creates
     * nothing); for one with a plan, once its first execution was counted. A campaign created with {@code publish:
     * false} has none until {@code publishCampaign}: nothing is committed, pushed or opened before.
     */
    public boolean published() {
        return planId == null || executions > 0;
    }

    /** The date of the commits the current generation makes: its update's time, or the campaign's creation. */
    public Instant commitDate() {
        return updatedAt != null ? updatedAt : createdAt;
    }

    /**
     * How many of the plan's jobs wait to be published: every one not finished of a campaign never published
     * ({@code publish: false}, before publishCampaign or publishChangesets), the {@code unpublished} rest of one
     * published in part, none otherwise. Nothing is committed, pushed or opened for them.
     */
    public int unpublishedCount() {
        if (planId == null) {
            return 0;
        }
        return executions == 0 ? counters.pending() : Math.max(0, Math.min(unpublished, counters.pending()));
    }

    /** How many of the campaign's jobs are being worked on: pending and published (the changeset creation's). */
    public int inFlight() {
        return counters.pending() - unpublishedCount();
    }

    /** How many changesets the campaign has: those it created and those it tracks. */
    public int changesetCount() {
        return counters.completed() + tracked;
    }
}
