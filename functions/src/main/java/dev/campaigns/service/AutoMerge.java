package dev.campaigns.service;

import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.codehost.PullRequestState;
import dev.campaigns.domain.AutoMergeRule;
import dev.campaigns.domain.Changeset;
import dev.campaigns.domain.MergeMethod;
import dev.campaigns.store.AutoMergeStore;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Auto-merge (issue 16): a campaign option that merges each of its changesets once it is approved and its checks
 * pass ({@link AutoMergeRule}). Driven by the webhook and sync path: every time a changeset's truth is read and
 * recorded ({@link ChangesetService}'s sync), {@link #consider} merges it if one of its campaigns has auto-merge on.
 * Safe to repeat: a merged pull request is returned as is; a merge the host refuses (a conflict, branch protection,
 * a head that moved since the read: the head SHA read is sent) is logged and left for the next change to retry.
 */
public final class AutoMerge {
    private static final Logger LOG = LoggerFactory.getLogger(AutoMerge.class);

    private final AutoMergeStore store;
    private final ChangesetOperations.Campaigns campaigns;
    private final Supplier<CodeHostAccess> codeHost;

    public AutoMerge(AutoMergeStore store, ChangesetOperations.Campaigns campaigns, Supplier<CodeHostAccess> codeHost) {
        this.store = store;
        this.campaigns = campaigns;
        this.codeHost = codeHost;
    }

    /** Turns the caller's campaign's auto-merge on with {@code method}, or off with null. */
    public Optional<MergeMethod> set(String owner, String campaignId, MergeMethod method) {
        campaigns.requireOwned(owner, Validation.required("campaign", campaignId));
        store.set(campaignId, method);
        return Optional.ofNullable(method);
    }

    /** The caller's campaign's auto-merge method, empty when off. */
    public Optional<MergeMethod> method(String owner, String campaignId) {
        campaigns.requireOwned(owner, campaignId);
        return store.method(campaignId);
    }

    /**
     * Merges {@code changeset} if it is ready and a campaign it belongs to has auto-merge on; true when it was
     * merged now (the caller then re-reads it).
     */
    public boolean consider(Changeset changeset) {
        if (!AutoMergeRule.ready(changeset)) {
            return false;
        }
        for (String campaignId : changeset.campaignIds()) {
            Optional<MergeMethod> method = store.method(campaignId);
            if (method.isEmpty()) {
                continue;
            }
            try {
                PullRequestState after = codeHost.get().codeHost().mergePullRequest(changeset.repository(),
                        Long.parseLong(changeset.externalID()), method.get()).state();
                LOG.info("auto-merge of campaign {}: {}#{} {}", campaignId, changeset.repository(),
                        changeset.externalID(), after);
                return after == PullRequestState.MERGED;
            } catch (CodeHostException e) {
                if (e.isTransient()) {
                    throw e;
                }
                LOG.warn("auto-merge of campaign {}: {}#{} refused: {}", campaignId, changeset.repository(),
                        changeset.externalID(), codeHost.get().redact(e.getMessage()));
                return false;
            }
        }
        return false;
    }
}
